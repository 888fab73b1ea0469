import { serializeError, type SerializedError } from "../errors";
import type { CallOutcome } from "../execution/call-outcome";
import { backoffDelay } from "../execution/retry-policy";
import type { PendingOp, WaitingReason } from "../model/run";
import type { StepRecord } from "../model/step";
import { opLabel, type WireOp } from "../protocol/opcodes";
import type { EngineDeps } from "./deps";
import type { CallContext } from "./execute-call";
import { retryTimerId } from "./function-error";
import { mutateRun } from "./run-mutation";
import { memoizeStep, mutateStep, newStep, type StepIdentity } from "./step-mutation";
import { startOp, readStartOp, type StartOp } from "./start-op";

/** A step the response finished, with its memo value. */
interface Completion {
  identity: StepIdentity;
  memo: unknown;
  status: "Completed" | "Failed";
}

/** A step that failed and will be tried again. */
interface Retry {
  identity: StepIdentity;
  error: SerializedError;
  at: number;
}

/**
 * Carries out the opcodes of one 206 response as one decision: memoize every finished step,
 * schedule retries, start every new op (planned step, sleep, wait, invoke) exactly once, then
 * advance the run with a single compare-and-set. Several finished steps in one response (an
 * SDK that buffered them) still lead to one follow-up call, never several.
 */
export async function applyOps(deps: EngineDeps, outcome: Extract<CallOutcome, { type: "ops" }>, context: CallContext): Promise<void> {
  const { run, fn, job } = context;
  const ops = outcome.ops;
  const now = deps.clock.now();
  const completions: Completion[] = [];
  const retries: Retry[] = [];
  const starts: StartOp[] = [];
  const maxAttempts = fn.retries + 1;
  for (const op of ops) {
    const identity = identityOf(run.id, op);
    switch (op.op) {
      case "StepRun":
      case "Step":
        completions.push({ identity, memo: { data: op.data ?? null }, status: "Completed" });
        break;
      case "StepFailed":
        completions.push({ identity, memo: { error: serializeError(op.error) }, status: "Failed" });
        break;
      case "StepError": {
        const error = serializeError(op.error);
        if (job.attempt + 1 >= maxAttempts) completions.push({ identity, memo: { error }, status: "Failed" });
        else {
          const at = Math.max(now + backoffDelay(job.attempt, deps.ids.random(), deps.settings.retryBaseDelay), outcome.retryAt ?? 0);
          retries.push({ identity, error, at });
        }
        break;
      }
      default: {
        const start = readStartOp(op, identity, now);
        if (start) starts.push(start);
        else {
          // Failing the step (rather than ignoring the op) lets the function see the error and
          // handle it; an ignored op would leave the run waiting forever.
          const message = `Ferry does not support the ${op.op} opcode yet (step ${opLabel(op)})`;
          completions.push({ identity, memo: { error: { name: "UnsupportedOpcodeError", message } }, status: "Failed" });
        }
      }
    }
  }

  const attempts = job.attempt + 1;
  const finished: StepRecord[] = [];
  for (const completion of completions) {
    const step = await memoizeStep(deps, completion.identity, completion.memo, completion.status, attempts, context.callStart);
    if (step) finished.push(step);
  }
  for (const retry of retries) {
    await mutateStep(deps, run.id, retry.identity.id, (step) => {
      const base = step ?? newStep(retry.identity, "Planned", now);
      return { ...base, status: "Planned", attempts, errors: [...base.errors, { attempt: job.attempt, at: now, error: retry.error }].slice(-20) };
    });
  }
  for (const start of starts) {
    await mutateStep(deps, run.id, start.identity.id, (step) => (step ? undefined : newStep(start.identity, start.status, now)));
  }

  const decision = await mutateRun(deps, run.id, (current) => {
    let advanced = false;
    for (const { identity } of completions) {
      delete current.pending[identity.id];
      if (!current.stack.includes(identity.id)) {
        current.stack.push(identity.id);
        advanced = true;
      }
    }
    for (const { identity } of retries) current.pending[identity.id] = pendingOf(identity, "step", now);
    const started = starts.filter(({ identity }) => !(identity.id in current.pending) && !current.stack.includes(identity.id));
    for (const start of started) current.pending[start.identity.id] = pendingOf(start.identity, start.kind, now);
    current.parallel = Object.keys(current.pending).length > 1;
    current.waiting = waitingReason(retries, started, job.attempt) ?? (advanced || started.length ? undefined : current.waiting);
    if (!advanced && started.length === 0 && retries.length === 0) return undefined;
    return { run: current, result: { advanced, started } };
  });
  if (!decision?.changed || !decision.result) return;
  const { advanced, started } = decision.result;
  for (const step of finished) deps.observer.stepFinished?.(decision.run, step);
  for (const retry of retries) {
    deps.observer.stepRetrying?.(decision.run, await deps.runs.getStep(run.id, retry.identity.id), retry.error, retry.at);
    await deps.timers.schedule({
      id: retryTimerId(run.id, retry.identity.id),
      at: retry.at,
      job: { type: "call", runId: run.id, stepId: retry.identity.id, attempt: job.attempt + 1 },
    });
  }
  for (const start of started) await startOp(deps, decision.run, start, context);
  if (started.some((start) => start.kind !== "step")) deps.observer.runPaused?.(decision.run);
  // The function has more to say only when something finished and nothing new began.
  if (advanced && started.length === 0) await deps.queue.enqueue({ type: "call", runId: run.id, attempt: 0 });
}

function identityOf(runId: string, op: WireOp): StepIdentity {
  return { runId, id: op.id, name: op.name ?? op.displayName ?? op.id, displayName: op.displayName, kind: "run" };
}

function pendingOf(identity: StepIdentity, kind: PendingOp["kind"], now: number): PendingOp {
  return { kind, name: identity.displayName ?? identity.name, since: now };
}

function waitingReason(retries: Retry[], started: StartOp[], attempt: number): WaitingReason | undefined {
  const retry = retries[0];
  if (retry) return { type: "retrying", stepId: retry.identity.id, attempt: attempt + 1, at: retry.at };
  const paused = started.find((start) => start.kind !== "step");
  return paused?.waiting;
}
