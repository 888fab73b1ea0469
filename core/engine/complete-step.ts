import { isTerminal } from "../model/run";
import type { StepRecord } from "../model/step";
import type { EngineDeps } from "./deps";
import { settleSteps } from "./run-transition";
import { memoizeStep, type StepIdentity } from "./step-mutation";

/**
 * Finishes a pending step: memoizes its value unless another finisher did first (the memo is
 * the claim), then records it in the run, which asks the function what comes next. Safe to
 * repeat and safe to resume after a crash between the two writes. A step the run no longer
 * waits for (it ended, or the step is not pending: a late timer, a stale wait) is left alone.
 */
export async function completeStep(
  deps: EngineDeps,
  identity: StepIdentity,
  memo: unknown,
  status: "Completed" | "Failed" = "Completed",
  attempts?: number,
): Promise<StepRecord | undefined> {
  const run = await deps.runs.getRun(identity.runId);
  if (!run || isTerminal(run.status)) return undefined;
  const step = identity.id in run.pending ? await memoizeStep(deps, identity, memo, status, { attempts }) : undefined;
  const settled = await settleSteps(deps, identity.runId, [identity.id]);
  if (step && settled?.changed) deps.observer.stepFinished?.(settled.run, step);
  return step;
}
