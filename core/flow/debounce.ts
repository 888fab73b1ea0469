import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { Job } from "../model/job";
import type { EngineDeps } from "../engine/deps";
import { functionKey, keyValue } from "./flow-keys";
import { mutateFlowState } from "./flow-state";
import { startRun } from "./start-run";

/** A debounce in progress: the latest event, when the first arrived, and when it will fire. */
export interface DebounceState {
  event: FerryEvent;
  firstAt: number;
  fireAt: number;
}

/** Timer id of a debounce key (one timer per key, moved on every event). */
export const debounceTimerId = (key: string) => `debounce:${key}`;

/**
 * Holds the event as the latest of its key and moves the fire time to `period` from now,
 * capped at `timeout` after the first event. The event it replaces is recorded as superseded.
 */
export async function debounceEvent(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<void> {
  const config = fn.flow.debounce;
  if (!config) return;
  const now = deps.clock.now();
  const key = functionKey("debounce", fn, config.key, event);
  const { replaced, fireAt } = await mutateFlowState<DebounceState, { replaced?: FerryEvent; fireAt: number }>(deps.flow, key, now, (state) => {
    const firstAt = state?.firstAt ?? now;
    const cap = config.timeoutMs === undefined ? Number.POSITIVE_INFINITY : firstAt + config.timeoutMs;
    const next = { event, firstAt, fireAt: Math.min(now + config.periodMs, cap) };
    return { write: { put: next }, result: { replaced: state?.event, fireAt: next.fireAt } };
  });
  if (replaced) {
    await deps.skips.putSkip({ eventId: replaced.id, functionId: fn.id, reason: "debounce-superseded", at: now, key: keyValue(config.key, event), supersededBy: event.id });
  }
  await deps.timers.schedule({ id: debounceTimerId(key), at: fireAt, job: { type: "debounce", functionId: fn.id, key } });
}

/** The debounce timer fired: start the run with the latest event, unless the fire time moved. */
export async function fireDebounce(deps: EngineDeps, job: Extract<Job, { type: "debounce" }>): Promise<void> {
  const fn = await deps.catalog.get(job.functionId);
  const now = deps.clock.now();
  const due = await mutateFlowState<DebounceState, DebounceState | undefined>(deps.flow, job.key, now, (state) => {
    if (!state || state.fireAt > now) return { write: undefined, result: undefined };
    return { write: { delete: true }, result: state };
  });
  if (due && fn) await startRun(deps, fn, [due.event]);
}
