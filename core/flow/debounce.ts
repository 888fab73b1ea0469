import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import { jobId, type Job } from "../model/job";
import type { EngineDeps } from "../engine/deps";
import { functionKey, keyValue } from "./flow-keys";
import { mutateFlowState } from "./flow-state";
import { runIdFor, startRun } from "./start-run";

/** A debounce in progress: the latest event, when the first arrived, and when it will fire. */
export interface DebounceState {
  event: FerryEvent;
  firstAt: number;
  fireAt: number;
}

/** Timer id of a debounce key (one timer per key, moved on every event; user key values hashed). */
export const debounceTimerId = (key: string) => jobId({ type: "debounce", functionId: "", key });

/**
 * Holds the event as the latest of its key and moves the fire time to `period` from now,
 * capped at `timeout` after the first event. The event it replaces is recorded as superseded.
 * Routing the same event again changes nothing: it is already held, or was superseded (by a
 * later id), or its window already started a run.
 */
export async function debounceEvent(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<void> {
  const config = fn.flow.debounce;
  if (!config) return;
  const now = deps.clock.now();
  const key = functionKey("debounce", fn, config.key, event);
  const held = await deps.flow.getState<DebounceState>(key);
  if (!held && (await decidedBefore(deps, fn, event))) return;
  // A window that is due but whose timer has not fired yet ends now, with its own run; this
  // event opens the next window instead of superseding an event that is already decided.
  if (held && held.value.fireAt <= now && held.value.event.id < event.id) await startRun(deps, fn, [held.value.event], { id: runIdFor(fn, [held.value.event], "debounce") });
  const { replaced, fireAt, lateBy } = await mutateFlowState<DebounceState, { replaced?: FerryEvent; fireAt?: number; lateBy?: FerryEvent }>(deps.flow, key, now, (found) => {
    if (found?.event.id === event.id) return { write: undefined, result: { fireAt: found.fireAt } };
    // Routed after a later event of the same key (routing is not ordered on every bus).
    if (found && found.event.id > event.id) return { write: undefined, result: { lateBy: found.event } };
    const state = found && found.fireAt > now ? found : undefined;
    const firstAt = state?.firstAt ?? now;
    const cap = config.timeoutMs === undefined ? Number.POSITIVE_INFINITY : firstAt + config.timeoutMs;
    const next = { event, firstAt, fireAt: Math.min(now + config.periodMs, cap) };
    return { write: { put: next }, result: { replaced: state?.event, fireAt: next.fireAt } };
  });
  const superseded = replaced ? { loser: replaced, winner: event } : lateBy ? { loser: event, winner: lateBy } : undefined;
  if (superseded) {
    const { loser, winner } = superseded;
    await deps.skips.putSkip({ eventId: loser.id, functionId: fn.id, reason: "debounce-superseded", at: now, key: keyValue(config.key, event), supersededBy: winner.id });
  }
  if (fireAt !== undefined) await deps.timers.schedule({ id: debounceTimerId(key), at: fireAt, job: { type: "debounce", functionId: fn.id, key } });
}

/** The event's window ended already: it started a run, or a later event superseded it. */
async function decidedBefore(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<boolean> {
  if (await deps.runs.getRun(runIdFor(fn, [event], "debounce"))) return true;
  return (await deps.skips.listSkipsByEvent(event.id)).some((skip) => skip.functionId === fn.id);
}

/**
 * The debounce timer fired: start the run with the latest event, unless the fire time moved.
 * The run is started before the window is forgotten, so a crash between them is finished by
 * the timer's next delivery.
 */
export async function fireDebounce(deps: EngineDeps, job: Extract<Job, { type: "debounce" }>): Promise<void> {
  const fn = await deps.catalog.get(job.functionId);
  const now = deps.clock.now();
  const due = (await deps.flow.getState<DebounceState>(job.key))?.value;
  if (!due || due.fireAt > now || !fn) return;
  await startRun(deps, fn, [due.event], { id: runIdFor(fn, [due.event], "debounce") });
  await mutateFlowState<DebounceState, void>(deps.flow, job.key, now, (state) =>
    state?.event.id === due.event.id ? { write: { delete: true }, result: undefined } : { write: undefined, result: undefined },
  );
}
