import { SystemEvents, type FerryEvent } from "../model/event";
import type { FunctionRecord } from "../model/app";
import { derivedUlid } from "../model/derived-id";
import { jobId, type Job } from "../model/job";
import { jsonBytes, type PayloadRef } from "../model/payload-ref";
import { isTerminal, type ParentLink, type PendingOp, type RunRecord } from "../model/run";
import { waitId, type WaitRecord } from "../model/wait";
import { singletonKey } from "../flow/singleton-key";

/**
 * One piece of follow-up work a run's state calls for. Each is a single idempotent write or a
 * job, named by a stable id, so issuing it twice is harmless: that is what lets any job,
 * delivered again after a crash, re-issue everything the run's state implies.
 */
export type RunEffect =
  /** Run `job` now, or at `at` as a timer named by the job's id. */
  | { type: "job"; job: Job; at?: number }
  /** Store the wait if absent; `lookBack` also matches events that arrived since `wait.since`. */
  | { type: "wait"; wait: WaitRecord; lookBack: boolean }
  /**
   * Store the event if absent and route it (to every function, or to `functionId` only).
   * `resultRef`: the ended run's output is kept in the PayloadStore; issuing the event puts it in
   * `data.result` when the event then stays within `maxEventBytes`, else marks it omitted.
   */
  | { type: "event"; event: FerryEvent; functionId?: string; resultRef?: PayloadRef }
  /**
   * Memoize the invoking step of the parent (if not yet) and wake the parent run: `{data}` or
   * `{error}`, or `{dataRef}` for a child output kept in the PayloadStore (read when issued).
   */
  | { type: "resume-parent"; parent: ParentLink; memo: { data: unknown } | { error: unknown } | { dataRef: PayloadRef } }
  /** Free the singleton key if this run still holds it. */
  | { type: "release-singleton"; key: string; runId: string }
  /** Remove a wait that no longer applies (cancelOn of an ended run). */
  | { type: "drop-wait"; id: string };

/** The stable name of an effect: the same work has the same id in every derivation. */
export function effectId(effect: RunEffect): string {
  switch (effect.type) {
    case "job":
      return `job:${jobId(effect.job)}`;
    case "wait":
      return `wait:${effect.wait.id}`;
    case "event":
      return `event:${effect.event.id}:${effect.functionId ?? ""}`;
    case "resume-parent":
      return `parent:${effect.parent.runId}:${effect.parent.stepId}`;
    case "release-singleton":
      return `singleton:${effect.key}`;
    case "drop-wait":
      return `drop:${effect.id}`;
  }
}

/**
 * Everything the run's current state calls for. A live run: its owed discovery call, one
 * follow-up per pending op, its cancelOn waits and timeouts. An ended run: its lifecycle events,
 * its parent's resumption, its singleton key and cancelOn waits given back. Pure: the same run
 * always derives the same effects, which is what makes re-deriving them after a crash safe.
 */
export function deriveRunEffects(run: RunRecord, fn: FunctionRecord | undefined): RunEffect[] {
  return isTerminal(run.status) ? endingEffects(run, fn) : liveEffects(run, fn);
}

function liveEffects(run: RunRecord, fn: FunctionRecord | undefined): RunEffect[] {
  const effects: RunEffect[] = [];
  const trigger = run.events[0] as unknown as Record<string, unknown>;
  for (const [index, cancel] of (fn?.flow.cancel ?? []).entries()) {
    const stepId = `cancel:${index}`;
    const expiresAt = cancel.timeoutMs === undefined ? Number.MAX_SAFE_INTEGER : run.createdAt + cancel.timeoutMs;
    const wait: WaitRecord = { id: waitId(run.id, stepId), runId: run.id, stepId, kind: "cancel", event: cancel.event, triggerEvent: trigger, since: run.createdAt, expiresAt };
    if (cancel.if) wait.expression = cancel.if;
    effects.push({ type: "wait", wait, lookBack: false });
  }
  const timeouts = fn?.flow.timeouts;
  if (timeouts?.startMs !== undefined && run.startedAt === undefined) {
    effects.push({ type: "job", job: { type: "run-timeout", runId: run.id, kind: "start" }, at: run.createdAt + timeouts.startMs });
  }
  if (timeouts?.finishMs !== undefined && run.startedAt !== undefined) {
    effects.push({ type: "job", job: { type: "run-timeout", runId: run.id, kind: "finish" }, at: run.startedAt + timeouts.finishMs });
  }
  const discovery = owedDiscoveryCall(run);
  if (discovery) {
    const throttledUntil = run.startedAt === undefined && run.waiting?.type === "throttled" ? run.waiting.until : undefined;
    effects.push({ type: "job", job: discovery.job, at: discovery.retryAt ?? throttledUntil });
  }
  for (const [stepId, op] of Object.entries(run.pending)) effects.push(...opEffects(run, stepId, op));
  return effects;
}

/**
 * The discovery call a live run owes now, if any: while `discovered` lags the stack, unless a
 * checkpointing call is already running the function on (`checkpointedBy`).
 */
export function owedDiscoveryCall(run: RunRecord): { job: Extract<Job, { type: "call" }>; retryAt?: number } | undefined {
  if (run.discovered === run.stack.length || run.checkpointedBy !== undefined) return undefined;
  const retry = run.discoveryRetry?.position === run.stack.length ? run.discoveryRetry : undefined;
  return { job: { type: "call", runId: run.id, attempt: retry?.attempt ?? 0, position: run.stack.length }, retryAt: retry?.at };
}

function opEffects(run: RunRecord, stepId: string, op: PendingOp): RunEffect[] {
  switch (op.kind) {
    case "step":
      return [{ type: "job", job: { type: "call", runId: run.id, stepId, attempt: op.attempt ?? 0 }, at: op.retryAt }];
    case "sleep":
      return op.until === undefined ? [] : [{ type: "job", job: { type: "wake", runId: run.id, stepId }, at: op.until }];
    case "wait": {
      if (op.event === undefined || op.until === undefined) return [];
      const wait: WaitRecord = {
        id: waitId(run.id, stepId),
        runId: run.id,
        stepId,
        kind: "step",
        event: op.event,
        triggerEvent: run.events[0] as unknown as Record<string, unknown>,
        since: op.since,
        expiresAt: op.until,
      };
      if (op.expression) wait.expression = op.expression;
      return [
        { type: "wait", wait, lookBack: true },
        { type: "job", job: { type: "wait-timeout", runId: run.id, stepId }, at: op.until },
      ];
    }
    case "invoke": {
      if (op.functionId === undefined) return [];
      const effects: RunEffect[] = [{ type: "event", event: invokedEvent(run, stepId, op), functionId: op.functionId }];
      if (op.until !== undefined) effects.push({ type: "job", job: { type: "wait-timeout", runId: run.id, stepId }, at: op.until });
      return effects;
    }
  }
}

/** Id of the `inngest/function.invoked` event an invoke step started at `since` sends: derived, so a redelivered start sends the same event. */
export function invokedEventId(runId: string, stepId: string, since: number): string {
  return derivedUlid(since, "invoke", runId, stepId);
}

/** The `inngest/function.invoked` event that starts an invoked child run; its id is derived. */
function invokedEvent(run: RunRecord, stepId: string, op: PendingOp): FerryEvent {
  return {
    id: invokedEventId(run.id, stepId, op.since),
    name: SystemEvents.functionInvoked,
    data: {
      ...(op.payload?.data ?? {}),
      _inngest: { source_app_id: run.appId, source_fn_id: run.functionId, source_fn_v: run.functionVersion, source_run_id: run.id, source_step_id: stepId },
    },
    user: op.payload?.user ?? {},
    ts: op.since,
  };
}

function endingEffects(run: RunRecord, fn: FunctionRecord | undefined): RunEffect[] {
  const effects: RunEffect[] = [];
  const endedAt = run.endedAt ?? run.createdAt;
  const base = { function_id: run.functionId, run_id: run.id, event: run.events[0], ...triggerEvents(run) };
  const lifecycle = (kind: string, name: string, data: Record<string, unknown>, resultRef?: PayloadRef): RunEffect => ({
    type: "event",
    event: { id: derivedUlid(endedAt, kind, run.id), name, data: { ...base, ...data }, user: {}, ts: endedAt },
    ...(resultRef ? { resultRef } : {}),
  });
  if (run.status === "Failed") effects.push(lifecycle("failed", SystemEvents.functionFailed, { error: run.error }));
  if (run.status === "Cancelled") effects.push(lifecycle("cancelled", SystemEvents.functionCancelled, { reason: run.error?.message }));
  const completed = run.status === "Completed";
  // A large output stays in the PayloadStore: the effects name it and carrying out reads it.
  const outcome = !completed ? { error: run.error } : run.outputRef ? {} : { result: run.output };
  effects.push(lifecycle("finished", SystemEvents.functionFinished, { ...outcome, status: run.status }, completed ? run.outputRef : undefined));
  if (run.parent) {
    const memo = !completed ? { error: run.error } : run.outputRef ? { dataRef: run.outputRef } : { data: run.output };
    effects.push({ type: "resume-parent", parent: run.parent, memo });
  }
  if (fn?.flow.singleton) effects.push({ type: "release-singleton", key: singletonKey(fn, run.events[0] as FerryEvent), runId: run.id });
  // Last, so a crash before it leaves the cancel-wait that leads a redelivered event back here.
  for (const index of (fn?.flow.cancel ?? []).keys()) effects.push({ type: "drop-wait", id: waitId(run.id, `cancel:${index}`) });
  return effects;
}

/**
 * How much of a lifecycle event the run's trigger events may take besides `data.event`. The
 * events are copied into every `function.finished`/`failed`/`cancelled` event, which is stored
 * (a DynamoDB item holds 400 KB) and published (an EventBridge entry): a 256 KB trigger sent
 * twice, as `event` and again in `events`, would not fit.
 */
export const LIFECYCLE_EVENTS_BUDGET_BYTES = 64 * 1024;

/**
 * `data.events` of a lifecycle event: the run's events when they fit the budget; otherwise
 * left out, with `events_omitted` saying how many there were (the run API lists them, and
 * `data.event` still carries the first). Decided from the run alone, so every delivery builds the
 * same event.
 */
function triggerEvents(run: RunRecord): { events: FerryEvent[] } | { events_omitted: { count: number; reason: string } } {
  if (jsonBytes(JSON.stringify(run.events)) <= LIFECYCLE_EVENTS_BUDGET_BYTES) return { events: run.events };
  const count = run.eventIds?.length ?? run.events.length;
  return { events_omitted: { count, reason: `the run's events exceed ${LIFECYCLE_EVENTS_BUDGET_BYTES} bytes; the run lists their ids (event_ids) and GET /v1/events/<id> shows each` } };
}

/** What changed between two states of a run: effects to issue, and effects no longer wanted. */
export function effectsDelta(before: RunEffect[], after: RunEffect[]): { issue: RunEffect[]; retract: RunEffect[] } {
  const beforeIds = new Set(before.map(effectId));
  const afterIds = new Set(after.map(effectId));
  return {
    issue: after.filter((effect) => !beforeIds.has(effectId(effect))),
    retract: before.filter((effect) => !afterIds.has(effectId(effect))),
  };
}
