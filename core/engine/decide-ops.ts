import { serializeError, type SerializedError } from "../errors";
import { backoffDelay } from "../execution/retry-policy";
import type { RunRecord, WaitingReason } from "../model/run";
import { opLabel, stepStart, type WireOp } from "../protocol/opcodes";
import { callSessionId, type CallContext } from "./call-context";
import { readStartOp, type StartOp } from "./start-op";
import type { StepIdentity } from "./step-mutation";

/** A step the answer finished, with its memo value. */
export interface Completion {
  identity: StepIdentity;
  memo: unknown;
  status: "Completed" | "Failed";
  /** When the step began, for a record this completion creates (a step the SDK ran inline). */
  startedAt: number;
}

/** A step that failed and will be tried again. */
export interface Retry {
  identity: StepIdentity;
  error: SerializedError;
  at: number;
}

/** What a 206 answer means, before anything is written. */
export interface OpsPlan {
  completions: Completion[];
  retries: Retry[];
  starts: StartOp[];
}

/**
 * Reads an answer's opcodes into a plan: steps finished (memo values), steps to retry, and ops
 * to start. Pure apart from the jitter it is handed, so deciding and carrying out stay apart.
 */
export function planOps(ops: WireOp[], context: CallContext, now: number, jitter: number, retryBaseDelay: number, retryAt?: number): OpsPlan {
  const { run, fn, job } = context;
  const plan: OpsPlan = { completions: [], retries: [], starts: [] };
  const maxAttempts = fn.retries + 1;
  for (const op of ops) {
    const identity: StepIdentity = { runId: run.id, id: op.id, name: op.name ?? op.displayName ?? op.id, displayName: op.displayName, kind: "run" };
    const startedAt = stepStart(op, now, context.callStart);
    switch (op.op) {
      case "StepRun":
      case "Step":
        plan.completions.push({ identity, memo: { data: op.data ?? null }, status: "Completed", startedAt });
        break;
      case "StepFailed":
        plan.completions.push({ identity, memo: { error: serializeError(op.error) }, status: "Failed", startedAt });
        break;
      case "StepError": {
        const error = serializeError(op.error);
        if (job.attempt + 1 >= maxAttempts) plan.completions.push({ identity, memo: { error }, status: "Failed", startedAt });
        else plan.retries.push({ identity, error, at: Math.max(now + backoffDelay(job.attempt, jitter, retryBaseDelay), retryAt ?? 0) });
        break;
      }
      default: {
        const read = readStartOp(op, identity, now, context.callStart);
        if (read.type === "start") plan.starts.push(read.start);
        else {
          // Failing the step (rather than ignoring the op) lets the function see the error and
          // handle it; an ignored op would leave the run waiting forever.
          const message = read.type === "invalid" ? read.message : `Ferry does not support the ${op.op} opcode yet (step ${opLabel(op)})`;
          const name = read.type === "invalid" ? "InvalidOpError" : "UnsupportedOpcodeError";
          plan.completions.push({ identity, memo: { error: { name, message } }, status: "Failed", startedAt });
        }
      }
    }
  }
  return plan;
}

/** What applying a plan to the latest run did. */
export interface OpsDecision {
  advanced: boolean;
  started: StartOp[];
  /** The answer moved nothing and nothing is left to move the run: it is stuck. */
  stuck?: string;
}

/**
 * Applies a plan to the latest state of the run (it may have moved since the call started):
 * finished steps join the stack once, retries and new ops become pending (an op already
 * pending or finished is not started again), and a discovery answer records its position.
 */
export function decideOps(current: RunRecord, plan: OpsPlan, context: CallContext, now: number): OpsDecision {
  const { job } = context;
  const reached = current.stack.length;
  let advanced = false;
  for (const { identity } of plan.completions) {
    delete current.pending[identity.id];
    if (!current.stack.includes(identity.id)) {
      current.stack.push(identity.id);
      advanced = true;
    }
  }
  for (const { identity, at } of plan.retries) {
    const previous = current.pending[identity.id];
    current.pending[identity.id] = { kind: "step", name: previous?.name ?? identity.displayName ?? identity.name, since: previous?.since ?? now, attempt: job.attempt + 1, retryAt: at };
  }
  const started = plan.starts.filter(({ identity }) => !(identity.id in current.pending) && !current.stack.includes(identity.id));
  for (const start of started) current.pending[start.identity.id] = start.pending;
  if (job.stepId === undefined) {
    // A call that checkpointed its steps answers for where it got to, not where it started.
    const checkpointed = current.checkpointedBy === callSessionId(job);
    current.discovered = checkpointed ? reached : (job.position ?? context.run.stack.length);
    if (checkpointed) delete current.checkpointedBy;
    delete current.discoveryRetry;
  }
  current.parallel = Object.keys(current.pending).length > 1;
  current.waiting = waitingReason(plan.retries, started, job.attempt) ?? (advanced || started.length ? undefined : current.waiting);
  const idle = current.discovered === current.stack.length && Object.keys(current.pending).length === 0;
  const ownStepLeft = job.stepId !== undefined && current.pending[job.stepId]?.attempt === job.attempt && current.pending[job.stepId]?.retryAt === undefined;
  const stuck = idle || ownStepLeft ? describeNoProgress(context, plan) : undefined;
  return { advanced, started, stuck };
}

function describeNoProgress(context: CallContext, plan: OpsPlan): string {
  const ops = [...plan.completions.map((c) => c.identity), ...plan.starts.map((s) => s.identity)].map((identity) => identity.displayName ?? identity.name);
  const what = context.job.stepId === undefined ? "discovery call" : `call for step ${context.job.stepId}`;
  return `the function answered the ${what} without making progress (ops: ${ops.length ? ops.join(", ") : "none"}); every op it reported had already finished or started`;
}

function waitingReason(retries: Retry[], started: StartOp[], attempt: number): WaitingReason | undefined {
  const retry = retries[0];
  if (retry) return { type: "retrying", stepId: retry.identity.id, attempt: attempt + 1, at: retry.at };
  return started.find((start) => start.pending.kind !== "step")?.waiting;
}
