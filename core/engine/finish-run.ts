import type { SerializedError } from "../errors";
import { SystemEvents } from "../model/event";
import type { RunRecord } from "../model/run";
import { completeStep } from "./complete-step";
import type { EngineDeps } from "./deps";
import { emitEvent } from "./emit-event";
import { mutateRun } from "./run-mutation";
import { dropCancellation, releaseSingleton } from "../flow/start-run";

/** How a run ended. */
export type RunEnding =
  | { status: "Completed"; output: unknown }
  | { status: "Failed"; error: SerializedError }
  | { status: "Cancelled"; reason: string };

/**
 * Ends a run once: records the ending, emits the lifecycle events (`inngest/function.finished`,
 * plus `.failed` — which drives onFailure handlers — or `.cancelled`), and hands the result to
 * the parent run when this run was invoked. Returns false when the run had already ended.
 */
export async function finishRun(deps: EngineDeps, runId: string, ending: RunEnding): Promise<boolean> {
  const now = deps.clock.now();
  const result = await mutateRun(deps, runId, (run) => {
    run.status = ending.status;
    run.endedAt = now;
    run.pending = {};
    run.waiting = undefined;
    if (ending.status === "Completed") run.output = ending.output;
    if (ending.status === "Failed") run.error = ending.error;
    if (ending.status === "Cancelled") run.error = { name: "Cancelled", message: ending.reason };
    return { run, result: true };
  });
  if (!result?.changed) return false;
  const run = result.run;
  deps.observer.runFinished?.(run);
  const fn = await deps.catalog.get(run.functionId);
  if (fn) {
    await releaseSingleton(deps, fn, run);
    await dropCancellation(deps, fn, run.id);
  }
  await emitLifecycleEvents(deps, run, ending);
  if (run.parent) {
    const memo = ending.status === "Completed" ? { data: ending.output } : { error: run.error };
    await completeStep(deps, { runId: run.parent.runId, id: run.parent.stepId, name: run.parent.stepId, kind: "invoke" }, memo);
  }
  return true;
}

async function emitLifecycleEvents(deps: EngineDeps, run: RunRecord, ending: RunEnding): Promise<void> {
  const base = { function_id: run.functionId, run_id: run.id, event: run.events[0], events: run.events };
  if (ending.status === "Failed") {
    await emitEvent(deps, SystemEvents.functionFailed, { ...base, error: ending.error });
  }
  if (ending.status === "Cancelled") {
    await emitEvent(deps, SystemEvents.functionCancelled, { ...base, reason: ending.reason });
  }
  const outcome = ending.status === "Completed" ? { result: ending.output } : { error: run.error };
  await emitEvent(deps, SystemEvents.functionFinished, { ...base, ...outcome, status: ending.status });
}
