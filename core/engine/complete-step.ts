import type { StepRecord } from "../model/step";
import type { EngineDeps } from "./deps";
import { mutateRun } from "./run-mutation";
import { memoizeStep, type StepIdentity } from "./step-mutation";

/**
 * Finishes a step: memoizes its value once, moves it from `pending` to the completed stack,
 * and asks the function what comes next. Safe to repeat: a second completion of the same step
 * writes nothing and schedules nothing.
 */
export async function completeStep(
  deps: EngineDeps,
  identity: StepIdentity,
  memo: unknown,
  status: "Completed" | "Failed" = "Completed",
  attempts?: number,
  redelivered = false,
): Promise<StepRecord | undefined> {
  const step = await memoizeStep(deps, identity, memo, status, attempts);
  const advanced = await mutateRun(deps, identity.runId, (run) => {
    if (run.stack.includes(identity.id)) return undefined;
    delete run.pending[identity.id];
    run.stack.push(identity.id);
    run.waiting = undefined;
    return { run, result: true };
  });
  if (advanced?.changed) {
    if (step) deps.observer.stepFinished?.(advanced.run, step);
    await deps.queue.enqueue({ type: "call", runId: identity.runId, attempt: 0 });
  } else if (redelivered && advanced?.run.status === "Running" && Object.keys(advanced.run.pending).length === 0) {
    // This job was delivered before and the worker died after both writes but before it
    // enqueued the next call: without this the run would never move again. Only on
    // redelivery, because a duplicate discovery call in an ordinary race could run a step twice.
    await deps.queue.enqueue({ type: "call", runId: identity.runId, attempt: 0 });
  }
  return step;
}
