import { serializeError } from "../errors";
import { interpretResponse, type CallOutcome } from "../execution/call-outcome";
import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import { jobId } from "../model/job";
import { isTerminal, type RunRecord } from "../model/run";
import { buildCallRequest, callUrl } from "../protocol/call-request";
import { acquireSlots, backlogEntryId, concurrencySlots, freeCapacity, releaseSlots, wakeParked, type ConcurrencySlot } from "../flow/concurrency";
import { applyEndingOps, applyOps } from "./apply-ops";
import { callSessionId, type CallContext, type CallJob } from "./call-context";
import type { EngineDeps } from "./deps";
import { finishRun } from "./finish-run";
import { handleFunctionError } from "./function-error";
import { resolveMemos, runEvents } from "./payloads";
import { mutateRun } from "./run-mutation";
import { memoizedInOrder, transitionRun } from "./run-transition";

export type { CallContext, CallJob } from "./call-context";

/**
 * Calls the function for a run and carries out what it answered. `redelivered`: this job was
 * handed out before and its worker stopped; if the call turns out to be done already, the
 * lease that worker may have left behind is given back now rather than when it expires.
 */
export async function executeCall(deps: EngineDeps, job: CallJob, redelivered = false): Promise<void> {
  const run = await deps.runs.getRun(job.runId);
  if (!run) return;
  const fn = await deps.catalog.get(run.functionId);
  const slots = fn ? concurrencySlots(fn, fn.flow, run.events[0] as FerryEvent) : [];
  // The lease is named by the job, so a redelivered job finds its own lease instead of taking a second slot.
  const leaseId = slots.length ? callSessionId(job) : undefined;
  if (isTerminal(run.status) || (await isStale(deps, run, job))) {
    if (redelivered && leaseId) await giveBack(deps, slots, leaseId);
    return;
  }
  if (!fn) {
    await finishRun(deps, run.id, { status: "Failed", error: { name: "Error", message: `function ${run.functionId} is not registered` } });
    return;
  }
  if (leaseId) {
    const acquired = await acquireSlots(deps.flow, slots, leaseId, deps.clock.now(), deps.settings.leaseMs);
    if (!acquired.ok) {
      await parkCall(deps, run, job, slots, acquired.blocked.key, acquired.retryAt);
      return;
    }
  }
  try {
    await callAndApply(deps, run, fn, job);
  } finally {
    if (leaseId) await giveBack(deps, slots, leaseId);
  }
}

/** Releases a lease on every slot and wakes parked calls into the capacity it frees. */
async function giveBack(deps: EngineDeps, slots: ConcurrencySlot[], leaseId: string): Promise<void> {
  const free = await releaseSlots(deps.flow, slots, leaseId, deps.clock.now());
  for (const [key, count] of free) await wakeParked(deps.backlog, deps.queue, key, count);
}

/**
 * A call that no longer matches the run: a discovery for a position the run has left or
 * already discovered, or a step that finished, is no longer pending, or moved to another
 * attempt. Dropping it is what keeps two calls from both running the next step inline. A
 * discovery call that checkpointed its way past its position still owns the run: delivered
 * again (its worker died), it calls again from the steps reported so far.
 */
async function isStale(deps: EngineDeps, run: RunRecord, job: CallJob): Promise<boolean> {
  if (job.stepId === undefined) {
    if (run.checkpointedBy !== undefined) return run.checkpointedBy !== callSessionId(job);
    return job.position !== undefined && (run.stack.length !== job.position || run.discovered === job.position);
  }
  const op = run.pending[job.stepId];
  if (!op || op.kind !== "step" || (op.attempt !== undefined && op.attempt !== job.attempt)) return true;
  return (await deps.runs.getStep(run.id, job.stepId))?.memo !== undefined;
}

async function callAndApply(deps: EngineDeps, initial: RunRecord, fn: FunctionRecord, job: CallJob): Promise<void> {
  let run = initial;
  if (run.startedAt === undefined || run.waiting?.type === "queued" || run.waiting?.type === "throttled" || run.waiting?.type === "concurrency") {
    run = (await markStarted(deps, run.id)) ?? run;
  }
  const steps = await resolveMemos(deps, await deps.runs.listSteps(run.id));
  const memo: Record<string, unknown> = {};
  for (const step of steps) if (step.memo) memo[step.id] = step.memo.value;
  const callStart = deps.clock.now();
  const request = {
    runId: run.id,
    env: deps.settings.env,
    events: await runEvents(deps, run),
    steps: memo,
    stack: run.stack.filter((id) => id in memo),
    stepId: job.stepId,
    attempt: job.attempt,
    maxAttempts: fn.retries + 1,
    disableImmediateExecution: Object.keys(run.pending).some((id) => id !== job.stepId),
    queueItemId: callSessionId(job),
    checkpointAs: deps.settings.checkpointing ? fn.id : undefined,
  };
  let body = JSON.stringify(buildCallRequest(request));
  // Too large to send (a function URL takes 6 MB): the SDK reads memo and events from the API.
  if (body.length > deps.settings.callBodyLimitBytes) body = JSON.stringify(buildCallRequest({ ...request, useApi: true }));
  const outcome = await callFunction(deps, fn, run, job, body);
  const afterCall = request.checkpointAs !== undefined && job.stepId === undefined ? await readReportedSteps(deps, run.id, callSessionId(job)) : {};
  await applyOutcome(deps, outcome, { run, fn, job, callStart, ...afterCall });
}

/**
 * Finds the steps a checkpointing call reported after its first report (`checkpointSteps`
 * writes only their memos), so the outcome's own run write records them in the stack before
 * it reads the answer against it: where the call got to, where a retry starts and the ended
 * run's record all count them, for no write of their own. Also returns the run as read, which
 * that write decides on, so a call that did not checkpoint reads the run no more often than
 * before. A crash before that write leaves the memos for the redelivered job to settle.
 */
async function readReportedSteps(deps: EngineDeps, runId: string, callId: string): Promise<Pick<CallContext, "latest" | "reported">> {
  const latest = await deps.runs.getRun(runId);
  if (latest?.checkpointedBy !== callId) return { latest };
  const reported = memoizedInOrder(await deps.runs.listSteps(runId))
    .map((step) => step.id)
    .filter((id) => !latest.stack.includes(id));
  return { latest, reported };
}

const outcomeHandlers = {
  completed: async (deps, outcome, context) => {
    const ending = { status: "Completed", output: outcome.output } as const;
    // Steps that came with the result are memoized first, so the run shows every step it ran.
    if (outcome.steps) await applyEndingOps(deps, outcome.steps, context, ending);
    else await finishRun(deps, context.run.id, ending, { justRead: context.latest, reported: context.reported });
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

/** Clears a start-time waiting reason; the first time, records the start (which arms `timeouts.finish`). */
async function markStarted(deps: EngineDeps, runId: string): Promise<RunRecord | undefined> {
  const now = deps.clock.now();
  const result = await transitionRun(deps, runId, (run) => {
    run.waiting = undefined;
    run.startedAt ??= now;
    return { run, result: true };
  });
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
  // A woken call parks under a new id, out of reach of the remove of the entry it was woken from.
  const parked = { ...job, parked: deps.ids.ulid() };
  await deps.backlog.park({ key, id: backlogEntryId(run.events[0]?.id ?? "", job), score, job: parked });
  // Only what the API shows changes here: no follow-up work depends on it.
  await mutateRun(deps, run.id, (current) => {
    if (current.waiting?.type === "concurrency" && current.waiting.key === key) return undefined;
    current.waiting = { type: "concurrency", key, since: now };
    return { run: current, result: true };
  });
  for (const slot of slots) await wakeParked(deps.backlog, deps.queue, slot.key, await freeCapacity(deps.flow, slot.key, now));
  const recheck = { type: "concurrency-recheck", key } as const;
  await deps.timers.schedule({ id: jobId(recheck), at: retryAt, job: recheck });
}
