import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { Job } from "../model/job";
import type { EngineDeps } from "../engine/deps";
import { functionKey } from "./flow-keys";
import { mutateFlowState } from "./flow-state";
import { startRun } from "./start-run";

/** A batch being collected: its events in arrival order. Its id is its first event's id. */
export interface BatchState {
  events: FerryEvent[];
  firstAt: number;
}

/**
 * Adds the event to its key's batch. A full batch starts a run at once; the first event of a
 * batch starts the timer that flushes it after `timeout`.
 */
export async function addToBatch(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<void> {
  const config = fn.flow.batch;
  if (!config) return;
  const now = deps.clock.now();
  const key = functionKey("batch", fn, config.key, event);
  const outcome = await mutateFlowState<BatchState, { full?: FerryEvent[]; opened?: string }>(deps.flow, key, now, (state) => {
    const events = [...(state?.events ?? []), event];
    if (events.length >= config.maxSize) return { write: { delete: true }, result: { full: events } };
    return { write: { put: { events, firstAt: state?.firstAt ?? now } }, result: { opened: state ? undefined : event.id } };
  });
  if (outcome.full) {
    const first = outcome.full[0] as FerryEvent;
    if (outcome.full.length > 1) await deps.timers.cancel(batchTimerId(key, first.id));
    await startRun(deps, fn, outcome.full);
  } else if (outcome.opened) {
    await deps.timers.schedule({ id: batchTimerId(key, outcome.opened), at: now + config.timeoutMs, job: { type: "batch", functionId: fn.id, key, batchId: outcome.opened } });
  }
}

/** Timer id of one batch. */
export const batchTimerId = (key: string, batchId: string) => `batch:${key}:${batchId}`;

/** The batch timeout passed: start a run with what was collected, unless it already filled up. */
export async function flushBatch(deps: EngineDeps, job: Extract<Job, { type: "batch" }>): Promise<void> {
  const fn = await deps.catalog.get(job.functionId);
  const now = deps.clock.now();
  const events = await mutateFlowState<BatchState, FerryEvent[] | undefined>(deps.flow, job.key, now, (state) =>
    state && state.events[0]?.id === job.batchId ? { write: { delete: true }, result: state.events } : { write: undefined, result: undefined },
  );
  if (events && fn) await startRun(deps, fn, events);
}
