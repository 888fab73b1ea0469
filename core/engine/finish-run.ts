import type { RunRecord } from "../model/run";
import type { EngineDeps } from "./deps";
import { endRun, type RunEnding, type StoredEnding } from "./end-run";
import { storableOutput } from "./payloads";
import { recordInStack, transitionRun } from "./run-transition";

export type { RunEnding } from "./end-run";

/**
 * Ends a run once. The ending's follow-up work (lifecycle events `inngest/function.finished`,
 * `.failed` — which drives onFailure handlers — or `.cancelled`; the parent's resumption; the
 * singleton key and cancelOn waits given back; timers of pending ops withdrawn) is derived from
 * the ended run by `deriveRunEffects`, so a redelivered job re-issues it. An output over the
 * payload threshold is written to the PayloadStore first (content-addressed: a finish delivered
 * again writes the same key) and the run keeps its reference. Returns false when the run had
 * already ended. `justRead`: see `mutateRun`; `reported`: steps a checkpointing call reported
 * that join the stack in the same write (`CallContext.reported`).
 */
export async function finishRun(deps: EngineDeps, runId: string, ending: RunEnding, options: { justRead?: RunRecord; reported?: readonly string[] } = {}): Promise<boolean> {
  const stored: StoredEnding = ending.status === "Completed" ? { status: "Completed", ...(await storableOutput(deps, runId, ending.output)) } : ending;
  const now = deps.clock.now();
  const result = await transitionRun(
    deps,
    runId,
    (run) => {
      recordInStack(run, options.reported ?? []);
      return { run: endRun(run, stored, now), result: true };
    },
    options.justRead,
  );
  if (!result?.changed) return false;
  deps.observer.runFinished?.(result.run);
  return true;
}
