import type { CallOutcome } from "../execution/call-outcome";
import { backoffDelay } from "../execution/retry-policy";
import type { EngineDeps } from "./deps";
import type { CallContext } from "./execute-call";
import { finishRun } from "./finish-run";
import { mutateRun } from "./run-mutation";
import { mutateStep } from "./step-mutation";

/** Timer id of a run's pending retry (one per step, `step` for discovery). */
export function retryTimerId(runId: string, stepId: string | undefined): string {
  return `retry:${runId}:${stepId ?? "step"}`;
}

/**
 * The call as a whole failed (the endpoint was down, code outside a step threw, the SDK said
 * no-retry). Retries the same call with backoff while attempts remain, else fails the run.
 */
export async function handleFunctionError(
  deps: EngineDeps,
  outcome: Extract<CallOutcome, { type: "function-error" }>,
  { run, fn, job }: CallContext,
): Promise<void> {
  const now = deps.clock.now();
  if (job.stepId) {
    const stepId = job.stepId;
    await mutateStep(deps, run.id, stepId, (step) =>
      step ? { ...step, attempts: job.attempt + 1, errors: [...step.errors, { attempt: job.attempt, at: now, error: outcome.error }].slice(-20) } : undefined,
    );
  }
  const maxAttempts = fn.retries + 1;
  if (!outcome.retriable || job.attempt + 1 >= maxAttempts) {
    await finishRun(deps, run.id, { status: "Failed", error: outcome.error });
    return;
  }
  const at = Math.max(now + backoffDelay(job.attempt, deps.ids.random(), deps.settings.retryBaseDelay), outcome.retryAt ?? 0);
  const updated = await mutateRun(deps, run.id, (current) => {
    current.waiting = { type: "retrying", stepId: job.stepId, attempt: job.attempt + 1, at };
    return { run: current, result: true };
  });
  if (!updated?.changed) return;
  deps.observer.stepRetrying?.(updated.run, job.stepId ? await deps.runs.getStep(run.id, job.stepId) : undefined, outcome.error, at);
  await deps.timers.schedule({ id: retryTimerId(run.id, job.stepId), at, job: { ...job, attempt: job.attempt + 1 } });
}
