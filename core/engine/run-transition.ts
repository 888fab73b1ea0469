import { jobId } from "../model/job";
import { isTerminal, type RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import { carryOut } from "./carry-out";
import type { EngineDeps } from "./deps";
import { deriveRunEffects, effectsDelta } from "./run-effects";
import { mutateRun, type RunMutation } from "./run-mutation";

/**
 * Changes a run with a compare-and-set (see `mutateRun`) and then issues what the change calls
 * for: the effects the new state derives that the old one did not, and withdraws those it no
 * longer derives. This is the one way use cases move a run, so the follow-up work of a state
 * is written down once, in `deriveRunEffects`. `justRead`: see `mutateRun`.
 */
export async function transitionRun<T>(
  deps: EngineDeps,
  runId: string,
  decide: (run: RunRecord) => { run: RunRecord; result: T } | undefined,
  justRead?: RunRecord,
): Promise<RunMutation<T> | undefined> {
  const outcome = await mutateRun(deps, runId, decide, justRead);
  if (outcome?.changed && outcome.previous) {
    const fn = await deps.catalog.get(outcome.run.functionId);
    const { issue, retract } = effectsDelta(deriveRunEffects(outcome.previous, fn), deriveRunEffects(outcome.run, fn));
    await carryOut(deps, issue, retract);
  }
  return outcome;
}

/**
 * Moves steps that are memoized into the run's completed stack (once each). The memo is the
 * claim: whoever memoized a step first decided its value; this only records it in the run.
 * With no `stepIds`, every memoized step of the run is checked (the slow path, for redelivery).
 */
export async function settleSteps(deps: EngineDeps, runId: string, stepIds?: string[]): Promise<RunMutation<boolean> | undefined> {
  const steps = stepIds
    ? (await Promise.all(stepIds.map((id) => deps.runs.getStep(runId, id)))).filter((step) => step !== undefined)
    : await deps.runs.listSteps(runId);
  const done = memoizedInOrder(steps);
  if (done.length === 0) return undefined;
  return transitionRun(deps, runId, (run) => (recordInStack(run, done.map((step) => step.id)) ? { run, result: true } : undefined));
}

/**
 * Records memoized steps in the run's stack, in the order given, each once: they are no longer
 * pending, and the run waits for nothing it waited for before. Returns whether any was new.
 */
export function recordInStack(run: RunRecord, stepIds: readonly string[]): boolean {
  const fresh = stepIds.filter((id) => !run.stack.includes(id));
  if (fresh.length === 0) return false;
  for (const id of fresh) {
    delete run.pending[id];
    run.stack.push(id);
  }
  run.parallel = Object.keys(run.pending).length > 1;
  run.waiting = undefined;
  return true;
}

/** The steps that have a memo, in the order they finished (ties keep the order given). */
export function memoizedInOrder(steps: readonly StepRecord[]): StepRecord[] {
  return steps.filter((step) => step.memo).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
}

/**
 * Re-derives everything a run's current state calls for and issues all of it, idempotently:
 * what a job delivered again after a crash does first, whatever point the crash hit. `except`
 * leaves out the job being handled (it is running now; issuing it again would run it twice).
 */
export async function convergeRun(deps: EngineDeps, runId: string, except?: string): Promise<RunRecord | undefined> {
  let run = await deps.runs.getRun(runId);
  if (!run) return undefined;
  if (!isTerminal(run.status)) run = (await settleSteps(deps, runId))?.run ?? run;
  const fn = await deps.catalog.get(run.functionId);
  const effects = deriveRunEffects(run, fn).filter((effect) => effect.type !== "job" || jobId(effect.job) !== except);
  await carryOut(deps, effects);
  return run;
}
