import type { EngineDeps } from "./deps";
import { memoizeStep, type StepIdentity } from "./step-mutation";

/**
 * Decides a step of another run (or from outside the run's own jobs): memoizes its value, unless
 * someone decided it first, and wakes the run to record it. The run's own `wake` job does the
 * recording in the run's order, so no job moves two runs at once.
 */
export async function decideAndWake(deps: EngineDeps, identity: StepIdentity, memo: unknown, status: "Completed" | "Failed"): Promise<void> {
  await memoizeStep(deps, identity, memo, status);
  await deps.queue.enqueue({ type: "wake", runId: identity.runId, stepId: identity.id });
}
