import { boundedError } from "../errors";
import type { RunRecord } from "../model/run";
import type { CallOutcome } from "../execution/call-outcome";
import { backoffDelay } from "../execution/retry-policy";
import { callSessionId, type CallContext } from "./call-context";
import { mayReport } from "./checkpoint-steps";
import type { EngineDeps } from "./deps";
import { finishRun } from "./finish-run";
import { recordInStack, transitionRun } from "./run-transition";
import { mutateStep } from "./step-mutation";

/** The error an SDK answers with after the engine refused its checkpoint (HTTP 409). */
export const STALE_DISPATCH = "StaleDispatchError";

/**
 * The run no longer waits for this call: it ended, or it is not (or no longer) the call the run
 * owes. Judged on `latest` (the run as read after the call answered) when there is one.
 */
async function movedOnWithout(deps: EngineDeps, runId: string, job: CallContext["job"], latest: RunRecord | undefined): Promise<boolean> {
  const current = latest ?? (await deps.runs.getRun(runId));
  // Only a discovery call checkpoints; a step call's error of that name is the function's own.
  return !current || (job.stepId === undefined && !mayReport(current, callSessionId(job)));
}

/**
 * The call as a whole failed (the endpoint was down, code outside a step threw, the SDK said
 * no-retry). Retries the same call with backoff while attempts remain, else fails the run. The
 * retry is recorded in the run (the step's next attempt, or the owed discovery's), and its
 * timer follows from that state.
 */
export async function handleFunctionError(
  deps: EngineDeps,
  outcome: Extract<CallOutcome, { type: "function-error" }>,
  { run, fn, job, latest, reported = [] }: CallContext,
): Promise<void> {
  // The engine itself told this call to stop (its checkpoint was refused: the run moved on
  // without it), so its failure says nothing about the run. Checked against the run, so a
  // function that throws an error of that name cannot leave its run waiting for nothing.
  if (outcome.error.name === STALE_DISPATCH && (await movedOnWithout(deps, run.id, job, latest))) return;
  const now = deps.clock.now();
  const stepId = job.stepId;
  if (stepId) {
    await mutateStep(deps, run.id, stepId, (step) =>
      step && !step.memo ? { ...step, attempts: job.attempt + 1, errors: [...step.errors, { attempt: job.attempt, at: now, error: boundedError(outcome.error) }].slice(-20) } : undefined,
    );
  }
  const maxAttempts = fn.retries + 1;
  if (!outcome.retriable || job.attempt + 1 >= maxAttempts) {
    await finishRun(deps, run.id, { status: "Failed", error: outcome.error }, { justRead: latest, reported });
    return;
  }
  const at = Math.max(now + backoffDelay(job.attempt, deps.ids.random(), deps.settings.retryBaseDelay), outcome.retryAt ?? 0);
  const updated = await transitionRun(deps, run.id, (current) => {
    if (stepId) {
      const op = current.pending[stepId];
      if (!op || (op.attempt ?? job.attempt) !== job.attempt) return undefined;
      current.pending[stepId] = { ...op, attempt: job.attempt + 1, retryAt: at };
    } else if (current.checkpointedBy !== undefined) {
      // A checkpointing call failed part way: retry from the steps it reported.
      if (current.checkpointedBy !== callSessionId(job)) return undefined;
      recordInStack(current, reported);
      delete current.checkpointedBy;
      current.discoveryRetry = { position: current.stack.length, attempt: job.attempt + 1, at };
    } else {
      if (current.stack.length !== (job.position ?? current.stack.length) || current.discovered === current.stack.length) return undefined;
      current.discoveryRetry = { position: current.stack.length, attempt: job.attempt + 1, at };
    }
    current.waiting = { type: "retrying", stepId, attempt: job.attempt + 1, at };
    return { run: current, result: true };
  }, latest);
  if (!updated?.changed) return;
  deps.observer.stepRetrying?.(updated.run, stepId ? await deps.runs.getStep(run.id, stepId) : undefined, outcome.error, at);
}
