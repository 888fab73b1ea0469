import type { StepRecord } from "../model/step";
import type { EngineDeps } from "./deps";
import { settleSteps } from "./run-transition";
import { memoizeStep, type StepIdentity } from "./step-mutation";

/**
 * Finishes a step: memoizes its value unless another finisher did first (the memo is the
 * claim), then records it in the run, which asks the function what comes next. Safe to repeat
 * and safe to resume after a crash between the two writes.
 */
export async function completeStep(
  deps: EngineDeps,
  identity: StepIdentity,
  memo: unknown,
  status: "Completed" | "Failed" = "Completed",
  attempts?: number,
): Promise<StepRecord | undefined> {
  const step = await memoizeStep(deps, identity, memo, status, attempts);
  const settled = await settleSteps(deps, identity.runId, [identity.id]);
  if (step && settled?.changed) deps.observer.stepFinished?.(settled.run, step);
  return step;
}
