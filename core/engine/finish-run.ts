import type { EngineDeps } from "./deps";
import { endRun, type RunEnding } from "./end-run";
import { transitionRun } from "./run-transition";

export type { RunEnding } from "./end-run";

/**
 * Ends a run once. The ending's follow-up work (lifecycle events `inngest/function.finished`,
 * `.failed` — which drives onFailure handlers — or `.cancelled`; the parent's resumption; the
 * singleton key and cancelOn waits given back; timers of pending ops withdrawn) is derived from
 * the ended run by `deriveRunEffects`, so a redelivered job re-issues it. Returns false when the
 * run had already ended.
 */
export async function finishRun(deps: EngineDeps, runId: string, ending: RunEnding): Promise<boolean> {
  const now = deps.clock.now();
  const result = await transitionRun(deps, runId, (run) => ({ run: endRun(run, ending, now), result: true }));
  if (!result?.changed) return false;
  deps.observer.runFinished?.(result.run);
  return true;
}
