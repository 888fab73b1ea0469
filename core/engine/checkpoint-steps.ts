import { isTerminal, type RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import { stepStart, type WireOp } from "../protocol/opcodes";
import { callSessionId } from "./call-context";
import type { EngineDeps } from "./deps";
import { memoValue } from "./payloads";
import { owedDiscoveryCall } from "./run-effects";
import { recordInStack, transitionRun } from "./run-transition";
import { memoizeStep, type StepIdentity } from "./step-mutation";

/** A checkpoint as an SDK reports it (`POST /v1/checkpoint/{runId}/async`). */
export interface Checkpoint {
  runId: string;
  /** The call's `ctx.qi_id`, echoed: which call is reporting. */
  callId: string;
  /** Ops the call finished; `StepRun` ones are memoized, anything else is ignored. */
  ops: WireOp[];
}

/**
 * - `accepted`: every reported step is memoized and in the run's stack; the call goes on.
 * - `stale`: the run moved on without this call (it ended, another call owns it, or a step it
 *   reports was decided otherwise); the SDK must stop (HTTP 409).
 * - `unknown-run`: no such run.
 */
export type CheckpointResult = "accepted" | "stale" | "unknown-run";

/**
 * Takes a checkpoint: the steps a discovery call ran since it started, reported while it keeps
 * running the function. Each step is memoized exactly as a 206 answer would (the memo is the
 * claim: whoever memoized first decided the value). The call's first report also records its
 * steps in the run's stack and notes the call as the one running it on (`checkpointedBy`), so
 * no other discovery call is issued meanwhile. Later reports of the same call write their memos
 * only: the write that carries out the call's answer records them in the stack (the
 * executor's `readReportedSteps`), and a redelivered job settles them, so a step costs one
 * write instead of two (a run write per report was a fifth of a deployment's cost per step).
 * Only the call the run is waiting for may report: the owed discovery call at the run's
 * position, or the call that already reported.
 *
 * Converges like a job: a report sent again after a lost answer, or after a crash between the
 * memo and the run write, finds its memos and completes the run write.
 */
export async function checkpointSteps(deps: EngineDeps, checkpoint: Checkpoint): Promise<CheckpointResult> {
  const run = await deps.runs.getRun(checkpoint.runId);
  if (!run) return "unknown-run";
  if (!mayReport(run, checkpoint.callId)) return "stale";
  const now = deps.clock.now();
  const reported = checkpoint.ops.filter((op) => op.op === "StepRun" || op.op === "Step");
  const finished: StepRecord[] = [];
  for (const op of reported) {
    if (run.stack.includes(op.id)) continue;
    const identity: StepIdentity = { runId: run.id, id: op.id, name: op.name ?? op.displayName ?? op.id, displayName: op.displayName, kind: "run" };
    const memo = { data: op.data ?? null };
    // A report comes after the step ran: it began its reported duration ago, not before the run did.
    // A reported step ran inline: it has no record unless this report was sent before.
    const step = await memoizeStep(deps, identity, memo, "Completed", { attempts: 1, startedAt: stepStart(op, now, run.startedAt ?? run.createdAt), likelyNew: true });
    if (step) finished.push(step);
    else if (!(await sameMemo(deps, run.id, op.id, memo))) return "stale";
  }
  // The call already owns the run: its memos are the record until its answer settles them. A
  // cancel that lands during the memo write is seen by the next report, which is refused.
  if (run.checkpointedBy === checkpoint.callId) {
    for (const step of finished) deps.observer.stepFinished?.(run, step);
    return "accepted";
  }
  // Decided first on the run read above (only this call's memo writes came since, and they leave
  // the run as it was): one read fewer per report; a run that moved meanwhile is read again.
  const moved = await transitionRun(deps, run.id, (current) => {
    if (!mayReport(current, checkpoint.callId)) return undefined;
    const added = recordInStack(current, reported.map((op) => op.id));
    if (!added && current.checkpointedBy === checkpoint.callId) return undefined; // a report sent again
    current.checkpointedBy = checkpoint.callId;
    current.waiting = undefined;
    return { run: current, result: true };
  }, run);
  // Judged on the run as written or as last found, never on an attempt that lost its write: a
  // run cancelled between the read and the write is found ended on the retry, and refuses.
  if (!moved || !mayReport(moved.run, checkpoint.callId)) return "stale";
  for (const step of finished) deps.observer.stepFinished?.(moved.run, step);
  return "accepted";
}

/** The run waits for this call: it already reported, or it is the discovery call the run owes now. */
export function mayReport(run: RunRecord, callId: string): boolean {
  if (isTerminal(run.status)) return false;
  if (run.checkpointedBy !== undefined) return run.checkpointedBy === callId;
  const owed = owedDiscoveryCall(run);
  return owed !== undefined && callSessionId(owed.job) === callId;
}

/** True when the stored memo of the step is the reported one (a report sent again), not another call's value. */
async function sameMemo(deps: EngineDeps, runId: string, stepId: string, memo: { data: unknown }): Promise<boolean> {
  const step = await deps.runs.getStep(runId, stepId);
  if (!step?.memo) return false;
  return JSON.stringify(await memoValue(deps, step.memo)) === JSON.stringify(memo);
}
