import { boundedError } from "../errors";
import type { CallOutcome } from "../execution/call-outcome";
import type { WireOp } from "../protocol/opcodes";
import type { StepRecord } from "../model/step";
import type { CallContext } from "./call-context";
import { decideOps, planOps, type OpsDecision, type OpsPlan } from "./decide-ops";
import type { EngineDeps } from "./deps";
import { endRun } from "./end-run";
import { finishRun, type RunEnding } from "./finish-run";
import { recordInStack, transitionRun } from "./run-transition";
import { memoizeStep, mutateStep, newStep } from "./step-mutation";

/**
 * Carries out one 206 answer: memoize every finished step (each memo written once: the first
 * writer decides), record retries and new steps, then move the run with one compare-and-set,
 * whose follow-up work (the next call, step calls, timers, waits, child runs) the transition
 * issues. A crash anywhere leaves either memos the next delivery settles, or a moved run whose
 * follow-up work the next delivery re-derives. `ending`: the steps came with `RunComplete`.
 */
export async function applyOps(
  deps: EngineDeps,
  outcome: Extract<CallOutcome, { type: "ops" }>,
  context: CallContext,
  options: { ending?: boolean } = {},
): Promise<void> {
  const { run, job } = context;
  const now = deps.clock.now();
  const plan = planOps(outcome.ops, context, now, deps.ids.random(), deps.settings.retryBaseDelay, outcome.retryAt);
  const attempts = job.attempt + 1;
  const finished = await memoizeCompletions(deps, plan, context);
  for (const retry of plan.retries) {
    await mutateStep(deps, run.id, retry.identity.id, (step) => {
      const base = step ?? newStep(retry.identity, "Planned", now);
      if (base.memo) return undefined;
      return { ...base, status: "Planned", attempts, errors: [...base.errors, { attempt: job.attempt, at: now, error: boundedError(retry.error) }].slice(-20) };
    });
  }
  for (const start of plan.starts) {
    await mutateStep(deps, run.id, start.identity.id, (step) => (step ? undefined : newStep(start.identity, start.status, now)));
  }
  const moved = await transitionRun<OpsDecision>(deps, run.id, (current) => {
    recordInStack(current, context.reported ?? []);
    const decision = decideOps(current, plan, context, now);
    // Steps reported beside RunComplete: the run is about to end, so making no progress is fine.
    if (options.ending) delete decision.stuck;
    if (decision.stuck) endRun(current, { status: "Failed", error: { name: "NoProgressError", message: decision.stuck } }, now);
    return { run: current, result: decision };
  }, context.latest);
  if (!moved?.changed || !moved.result) return;
  for (const step of finished) deps.observer.stepFinished?.(moved.run, step);
  for (const retry of plan.retries) deps.observer.stepRetrying?.(moved.run, await deps.runs.getStep(run.id, retry.identity.id), retry.error, retry.at);
  if (moved.result.stuck) deps.observer.runFinished?.(moved.run);
  else if (moved.result.started.some((start) => start.pending.kind !== "step")) deps.observer.runPaused?.(moved.run);
}

/**
 * Carries out an answer whose last finished steps came beside `RunComplete` (a checkpointing
 * SDK's buffered steps): memoizes them, then ends the run with one write that also records them
 * in the stack, as the call's later checkpoint reports are (`CallContext.reported`). Steps that
 * are not plain completions (a retry, a new op: no SDK sends them with a result) go through
 * `applyOps` first. A crash between the memos and the ending leaves memos the redelivered job
 * settles before it calls again, and the replay answers the same result.
 */
export async function applyEndingOps(deps: EngineDeps, ops: WireOp[], context: CallContext, ending: RunEnding): Promise<void> {
  const plan = planOps(ops, context, deps.clock.now(), deps.ids.random(), deps.settings.retryBaseDelay);
  if (plan.retries.length > 0 || plan.starts.length > 0) {
    await applyOps(deps, { type: "ops", ops }, context, { ending: true });
    await finishRun(deps, context.run.id, ending);
    return;
  }
  const finished = await memoizeCompletions(deps, plan, context);
  for (const step of finished) deps.observer.stepFinished?.(context.latest ?? context.run, step);
  const reported = [...(context.reported ?? []), ...plan.completions.map((completion) => completion.identity.id)];
  await finishRun(deps, context.run.id, ending, { justRead: context.latest, reported });
}

/** Memoizes a plan's finished steps (each memo written once: the first writer decides); returns those this call memoized. */
async function memoizeCompletions(deps: EngineDeps, plan: OpsPlan, context: CallContext): Promise<StepRecord[]> {
  const { job } = context;
  const finished: StepRecord[] = [];
  for (const completion of plan.completions) {
    // A discovery call's finished steps ran inline, so they seldom have a record yet.
    const options = { attempts: job.attempt + 1, startedAt: completion.startedAt, likelyNew: job.stepId === undefined };
    const step = await memoizeStep(deps, completion.identity, completion.memo, completion.status, options);
    if (step) finished.push(step);
  }
  return finished;
}
