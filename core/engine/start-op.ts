import { SystemEvents, type FerryEvent } from "../model/event";
import type { PendingOp, RunRecord, WaitingReason } from "../model/run";
import type { StepStatus } from "../model/step";
import { waitId } from "../model/wait";
import { parseDuration, parseInstant } from "../protocol/durations";
import type { WireOp } from "../protocol/opcodes";
import { completeStep } from "./complete-step";
import { startRun } from "../flow/start-run";
import type { EngineDeps } from "./deps";
import type { CallContext } from "./execute-call";
import { resumeWait, timeoutTimerId } from "./resume-wait";
import { toWireEvent, waitMatches } from "./route-event";
import type { StepIdentity } from "./step-mutation";
import { storeWait } from "./store-wait";

/** A new op the run must start, read from the SDK's opcode. */
export type StartOp = {
  identity: StepIdentity;
  kind: PendingOp["kind"];
  status: StepStatus;
  waiting?: WaitingReason;
} & (
  | { kind: "step" }
  | { kind: "sleep"; until: number }
  | { kind: "wait"; event: string; expression?: string; until: number }
  | { kind: "invoke"; functionId: string; data: Record<string, unknown>; user?: Record<string, unknown>; until?: number }
);

const DEFAULT_WAIT = 24 * 60 * 60 * 1000;

/** Reads StepPlanned / Sleep / WaitForEvent / InvokeFunction; undefined for anything else. */
export function readStartOp(op: WireOp, base: StepIdentity, now: number): StartOp | undefined {
  const opts = op.opts ?? {};
  switch (op.op) {
    case "StepPlanned":
      return { identity: { ...base, kind: "run", opts: op.opts }, kind: "step", status: "Planned" };
    case "Sleep": {
      const until = sleepUntil(op, now);
      return {
        identity: { ...base, kind: "sleep", opts: { ...opts, until: new Date(until).toISOString() } },
        kind: "sleep",
        status: "Sleeping",
        until,
        waiting: { type: "sleeping", stepId: op.id, until },
      };
    }
    case "WaitForEvent": {
      const event = typeof opts.event === "string" ? opts.event : (op.name ?? "");
      const until = now + (parseDuration(opts.timeout) ?? DEFAULT_WAIT);
      const expression = typeof opts.if === "string" && opts.if.trim() ? opts.if : undefined;
      return {
        identity: { ...base, kind: "wait", opts },
        kind: "wait",
        status: "Waiting",
        event,
        expression,
        until,
        waiting: { type: "waiting-for-event", stepId: op.id, event, until },
      };
    }
    case "InvokeFunction": {
      const payload = (opts.payload ?? {}) as { data?: Record<string, unknown>; user?: Record<string, unknown> };
      const timeout = parseDuration(opts.timeout);
      return {
        identity: { ...base, kind: "invoke", opts },
        kind: "invoke",
        status: "Invoking",
        functionId: String(opts.function_id ?? ""),
        data: payload.data ?? {},
        user: payload.user,
        until: timeout === undefined ? undefined : now + timeout,
      };
    }
    default:
      return undefined;
  }
}

/** Starts an op the run has just recorded as pending. */
export async function startOp(deps: EngineDeps, run: RunRecord, start: StartOp, context: CallContext): Promise<void> {
  const stepId = start.identity.id;
  switch (start.kind) {
    case "step":
      await deps.queue.enqueue({ type: "call", runId: run.id, stepId, attempt: 0 });
      return;
    case "sleep":
      await deps.timers.schedule({ id: `sleep:${run.id}:${stepId}`, at: start.until, job: { type: "wake", runId: run.id, stepId } });
      return;
    case "wait":
      return startWait(deps, run, start, context.callStart);
    case "invoke":
      return startInvoke(deps, run, start, context);
  }
}

async function startWait(deps: EngineDeps, run: RunRecord, start: Extract<StartOp, { kind: "wait" }>, since: number): Promise<void> {
  const stepId = start.identity.id;
  const wait = {
    id: waitId(run.id, stepId),
    runId: run.id,
    stepId,
    event: start.event,
    expression: start.expression,
    triggerEvent: run.events[0] as unknown as Record<string, unknown>,
    since,
    expiresAt: start.until,
  };
  await storeWait(deps.waits, wait);
  await deps.timers.schedule({ id: timeoutTimerId(run.id, stepId), at: start.until, job: { type: "wait-timeout", runId: run.id, stepId } });
  // The event may have arrived after the SDK produced this op but before the wait was stored:
  // look back over everything received since the call started.
  for (const event of await deps.events.findEventsSince(start.event, since)) {
    const wire = toWireEvent(event);
    if (waitMatches(wait, wire)) {
      await resumeWait(deps, wait, wire);
      return;
    }
  }
}

async function startInvoke(deps: EngineDeps, run: RunRecord, start: Extract<StartOp, { kind: "invoke" }>, context: CallContext): Promise<void> {
  const stepId = start.identity.id;
  const child = await deps.catalog.get(start.functionId);
  if (!child) {
    const error = { name: "Error", message: `step.invoke: no function with id ${JSON.stringify(start.functionId)} is registered` };
    await completeStep(deps, start.identity, { error }, "Failed");
    return;
  }
  const now = deps.clock.now();
  const event: FerryEvent = {
    id: deps.ids.ulid(),
    name: SystemEvents.functionInvoked,
    data: {
      ...start.data,
      _inngest: { source_app_id: run.appId, source_fn_id: run.functionId, source_fn_v: context.fn.version, source_run_id: run.id, source_step_id: stepId },
    },
    user: start.user ?? {},
    ts: now,
  };
  await deps.events.putEvent({ ...event, receivedAt: now });
  if (start.until !== undefined) {
    await deps.timers.schedule({ id: timeoutTimerId(run.id, stepId), at: start.until, job: { type: "wait-timeout", runId: run.id, stepId } });
  }
  await startRun(deps, child, [event], { parent: { runId: run.id, stepId } });
}

function sleepUntil(op: WireOp, now: number): number {
  const opts = op.opts ?? {};
  const duration = parseDuration(opts.duration);
  if (duration !== undefined) return now + duration;
  const name = op.name ?? "";
  const asDuration = parseDuration(name);
  if (asDuration !== undefined) return now + asDuration;
  return parseInstant(name) ?? now;
}
