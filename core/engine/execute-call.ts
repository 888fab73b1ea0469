import { serializeError } from "../errors";
import { interpretResponse, type CallOutcome } from "../execution/call-outcome";
import type { FunctionRecord } from "../model/app";
import type { Job } from "../model/job";
import { isTerminal, type RunRecord } from "../model/run";
import { buildCallRequest, callUrl } from "../protocol/call-request";
import { applyOps } from "./apply-ops";
import type { EngineDeps } from "./deps";
import { finishRun } from "./finish-run";
import { handleFunctionError } from "./function-error";
import { mutateRun } from "./run-mutation";
import { acquireSlots, backlogId, concurrencySlots, freeCapacity, releaseSlots, wakeParked, type ConcurrencySlot } from "../flow/concurrency";
import type { FerryEvent } from "../model/event";

/** A call job: discovery (`stepId` absent) or execution of one planned step. */
export type CallJob = Extract<Job, { type: "call" }>;

/** Calls the function for a run and carries out what it answered. */
export async function executeCall(deps: EngineDeps, job: CallJob, redelivered = false): Promise<void> {
  const run = await deps.runs.getRun(job.runId);
  if (!run || isTerminal(run.status)) return;
  const fn = await deps.catalog.get(run.functionId);
  if (!fn) {
    await finishRun(deps, run.id, { status: "Failed", error: { name: "Error", message: `function ${run.functionId} is not registered` } });
    return;
  }
  if (job.stepId) {
    const step = await deps.runs.getStep(run.id, job.stepId);
    if (step?.memo) return; // a duplicate delivery of a step that already finished
  }
  const slots = concurrencySlots(fn, fn.flow, run.events[0] as FerryEvent);
  const leaseId = slots.length ? `${backlogId(job)}:${deps.ids.ulid()}` : undefined;
  if (leaseId) {
    const acquired = await acquireSlots(deps.flow, slots, leaseId, deps.clock.now(), deps.settings.leaseMs);
    if (!acquired.ok) {
      await parkCall(deps, run, job, slots, acquired.blocked.key, acquired.retryAt);
      return;
    }
  }
  try {
    await callAndApply(deps, run, fn, job, redelivered);
  } finally {
    if (leaseId) {
      const free = await releaseSlots(deps.flow, slots, leaseId, deps.clock.now());
      for (const [key, count] of free) await wakeParked(deps.backlog, deps.queue, key, count);
    }
  }
}

async function callAndApply(deps: EngineDeps, initial: RunRecord, fn: FunctionRecord, job: CallJob, redelivered: boolean): Promise<void> {
  let run = initial;
  if (run.waiting && (run.waiting.type === "queued" || run.waiting.type === "throttled" || run.waiting.type === "concurrency")) {
    run = (await markStarted(deps, fn, run.id)) ?? run;
  }
  const steps = await deps.runs.listSteps(run.id);
  const memo: Record<string, unknown> = {};
  for (const step of steps) if (step.memo) memo[step.id] = step.memo.value;
  const callStart = deps.clock.now();
  const body = buildCallRequest({
    runId: run.id,
    env: deps.settings.env,
    events: run.events,
    steps: memo,
    stack: run.stack.filter((id) => id in memo),
    stepId: job.stepId,
    attempt: job.attempt,
    maxAttempts: fn.retries + 1,
    disableImmediateExecution: Object.keys(run.pending).some((id) => id !== job.stepId),
    queueItemId: `${run.id}:${job.stepId ?? "step"}:${job.attempt}`,
  });
  const outcome = await callFunction(deps, fn, run, job, JSON.stringify(body));
  await applyOutcome(deps, outcome, { run, fn, job, callStart, redelivered });
}

/** What the outcome handlers need to know about the call. */
export interface CallContext {
  run: RunRecord;
  fn: FunctionRecord;
  job: CallJob;
  /** When the call started: events since then may satisfy a wait it asks for. */
  callStart: number;
  redelivered: boolean;
}

const outcomeHandlers = {
  completed: async (deps, outcome, context) => {
    // Steps reported with the result are recorded first, so the run shows every step it ran.
    if (outcome.steps) await applyOps(deps, { type: "ops", ops: outcome.steps }, context);
    await finishRun(deps, context.run.id, { status: "Completed", output: outcome.output });
  },
  ops: (deps, outcome, context) => applyOps(deps, outcome, context),
  "function-error": (deps, outcome, context) => handleFunctionError(deps, outcome, context),
} satisfies {
  [K in CallOutcome["type"]]: (deps: EngineDeps, outcome: Extract<CallOutcome, { type: K }>, context: CallContext) => Promise<void>;
};

function applyOutcome(deps: EngineDeps, outcome: CallOutcome, context: CallContext): Promise<void> {
  const handler = outcomeHandlers[outcome.type] as (deps: EngineDeps, outcome: CallOutcome, context: CallContext) => Promise<void>;
  return handler(deps, outcome, context);
}

async function callFunction(deps: EngineDeps, fn: FunctionRecord, run: RunRecord, job: CallJob, body: string): Promise<CallOutcome> {
  try {
    const response = await deps.caller.call({
      url: callUrl(fn.url, fn.id, job.stepId),
      body,
      headers: { "content-type": "application/json", "x-run-id": run.id, "x-inngest-step-id": job.stepId ?? "step" },
    });
    return interpretResponse(response, deps.clock.now());
  } catch (error) {
    const cause = serializeError(error);
    return { type: "function-error", retriable: true, error: { ...cause, message: `could not reach ${fn.url}: ${cause.message}` } };
  }
}

/** Clears a start-time waiting reason; the first time, records the start and arms `timeouts.finish`. */
async function markStarted(deps: EngineDeps, fn: FunctionRecord, runId: string): Promise<RunRecord | undefined> {
  const now = deps.clock.now();
  const result = await mutateRun(deps, runId, (run) => {
    run.waiting = undefined;
    const first = run.startedAt === undefined;
    run.startedAt ??= now;
    return { run, result: first };
  });
  const finishMs = fn.flow.timeouts?.finishMs;
  if (result?.result && finishMs !== undefined) {
    await deps.timers.schedule({ id: `timeout-finish:${runId}`, at: now + finishMs, job: { type: "run-timeout", runId, kind: "finish" } });
  }
  return result?.run;
}

/**
 * No capacity on `key`: park the call in the key's backlog (earlier runs and higher priority
 * first), show why the run waits, and make sure it is not forgotten — a slot freed between our
 * attempt and the park wakes it now, and a dead worker's lease wakes it when it expires.
 *
 * With two limits, this call may have been woken from another key's backlog that still has a
 * free slot (it was blocked here, on its second key): offer that slot to the next call parked
 * there, or it would sit idle until some other call finishes.
 */
async function parkCall(deps: EngineDeps, run: RunRecord, job: CallJob, slots: ConcurrencySlot[], key: string, retryAt: number): Promise<void> {
  const now = deps.clock.now();
  const score = run.createdAt - (run.priority ?? 0) * 1000;
  await deps.backlog.park({ key, id: backlogId(job), score, job });
  await mutateRun(deps, run.id, (current) => {
    if (current.waiting?.type === "concurrency" && current.waiting.key === key) return undefined;
    current.waiting = { type: "concurrency", key, since: now };
    return { run: current, result: true };
  });
  for (const slot of slots) await wakeParked(deps.backlog, deps.queue, slot.key, await freeCapacity(deps.flow, slot.key, now));
  await deps.timers.schedule({ id: `concurrency:${key}`, at: retryAt, job: { type: "concurrency-recheck", key } });
}
