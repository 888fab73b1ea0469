import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import { jobId, type Job } from "../model/job";
import type { EngineDeps } from "../engine/deps";
import { functionKey } from "./flow-keys";
import { toWireEvent } from "../engine/wire-event";
import { mutateFlowState } from "./flow-state";
import { runIdFor, startRun } from "./start-run";

/**
 * A batch being collected: the ids of its events in arrival order (its id is its first event's
 * id), and a full batch whose run is being started. The full batch stays here until its run
 * exists, so a crash between the two is finished by whichever delivery comes next. Ids, not
 * events: a batch of 1,000 events would not fit one DynamoDB item; they are read back when the
 * batch closes.
 */
export interface BatchState {
  ids: string[];
  firstAt: number;
  closing?: string[];
}

/** Timer id of one batch: its flush job's id (user key values hashed). */
export const batchTimerId = (key: string, batchId: string) => jobId({ type: "batch", functionId: "", key, batchId });

/**
 * Adds the event to its key's batch (once, however often it is routed). A full batch starts a
 * run at once; the first event of a batch starts the timer that flushes it after `timeout`.
 */
export async function addToBatch(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<void> {
  const config = fn.flow.batch;
  if (!config) return;
  const now = deps.clock.now();
  const key = functionKey("batch", fn, config.key, event);
  const seen = (list: string[] | undefined) => list?.includes(event.id) ?? false;
  const known = (await deps.flow.getState<BatchState>(key))?.value;
  // A full batch whose run was not started yet (its starter stopped halfway) goes first.
  if (known?.closing) {
    await closeBatch(deps, fn, key, known.closing);
    if (seen(known.closing)) return;
  }
  if (!seen(known?.ids) && (await alreadyBatched(deps, fn, event))) return;
  // What this event does to the batch, read from the state the write was decided on.
  const outcome = await mutateFlowState<BatchState, { closing?: string[]; openedAt?: number }>(deps.flow, key, now, (state) => {
    if (state?.closing && seen(state.closing)) return { write: undefined, result: { closing: state.closing } };
    if (state && seen(state.ids)) return { write: undefined, result: state.ids[0] === event.id ? { openedAt: state.firstAt } : {} };
    const ids = [...(state?.ids ?? []), event.id];
    if (ids.length >= config.maxSize) return { write: { put: { ids: [], firstAt: now, closing: ids } }, result: { closing: ids } };
    const firstAt = state?.ids.length ? state.firstAt : now;
    return { write: { put: { ...state, ids, firstAt } }, result: ids.length === 1 ? { openedAt: firstAt } : {} };
  });
  if (outcome.closing) await closeBatch(deps, fn, key, outcome.closing);
  else if (outcome.openedAt !== undefined) {
    await deps.timers.schedule({ id: batchTimerId(key, event.id), at: outcome.openedAt + config.timeoutMs, job: { type: "batch", functionId: fn.id, key, batchId: event.id } });
  }
}

/** An event routed again after its batch was flushed: its batch's run lists it. */
async function alreadyBatched(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<boolean> {
  return (await deps.runs.listRunsByEvent(event.id)).some((run) => run.functionId === fn.id);
}

/** Starts the run of a full (or timed-out) batch, then forgets the batch. */
async function closeBatch(deps: EngineDeps, fn: FunctionRecord, key: string, ids: string[]): Promise<void> {
  const first = ids[0] as string;
  await deps.timers.cancel(batchTimerId(key, first));
  const events = (await Promise.all(ids.map((id) => deps.events.getEvent(id)))).filter((event) => event !== undefined).map(toWireEvent);
  if (events.length) await startRun(deps, fn, events, { id: runIdFor(fn, events, "batch") });
  await mutateFlowState<BatchState, void>(deps.flow, key, deps.clock.now(), (state) =>
    state?.closing?.[0] === first ? { write: state.ids.length ? { put: { ids: state.ids, firstAt: state.firstAt } } : { delete: true }, result: undefined } : { write: undefined, result: undefined },
  );
}

/** The batch timeout passed: start a run with what was collected, unless it already filled up. */
export async function flushBatch(deps: EngineDeps, job: Extract<Job, { type: "batch" }>): Promise<void> {
  const fn = await deps.catalog.get(job.functionId);
  if (!fn) return;
  const now = deps.clock.now();
  const closing = await mutateFlowState<BatchState, string[] | undefined>(deps.flow, job.key, now, (state) => {
    if (state?.closing?.[0] === job.batchId) return { write: undefined, result: state.closing };
    if (state && !state.closing && state.ids[0] === job.batchId) return { write: { put: { ids: [], firstAt: now, closing: state.ids } }, result: state.ids };
    return { write: undefined, result: undefined };
  });
  if (closing) await closeBatch(deps, fn, job.key, closing);
}
