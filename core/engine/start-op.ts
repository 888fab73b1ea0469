import type { PendingOp, WaitingReason } from "../model/run";
import type { StepStatus } from "../model/step";
import { parseDuration, parseInstant } from "../protocol/durations";
import type { WireOp } from "../protocol/opcodes";
import type { StepIdentity } from "./step-mutation";

/** A new op the run must start, read from the SDK's opcode: what to record as pending. */
export interface StartOp {
  identity: StepIdentity;
  status: StepStatus;
  pending: PendingOp;
  waiting?: WaitingReason;
}

/** Read of an op that starts something: the start, an op that is not a start, or a refusal. */
export type StartRead = { type: "start"; start: StartOp } | { type: "not-a-start" } | { type: "invalid"; message: string };

const DEFAULT_WAIT = 24 * 60 * 60 * 1000;
/** The last instant a time can name and still be shown and stored everywhere: 9999-12-31. */
export const LATEST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * Reads StepPlanned / Sleep / WaitForEvent / InvokeFunction. A sleep or timeout whose end
 * cannot be represented is refused here, so it fails its step with a message instead of
 * leaving the run with a timer that can never be set.
 */
export function readStartOp(op: WireOp, base: StepIdentity, now: number, callStart: number): StartRead {
  const opts = op.opts ?? {};
  const label = op.displayName ?? op.name ?? op.id;
  const pending = (kind: PendingOp["kind"], extra: Partial<PendingOp> = {}): PendingOp => ({ kind, name: base.displayName ?? base.name, since: now, ...extra });
  const outOfRange = (what: string, until: number | undefined) =>
    until === undefined || !Number.isFinite(until) || until > LATEST_TIME
      ? { type: "invalid" as const, message: `${what} of step ${JSON.stringify(label)} has no end Ferry can represent (unreadable, or after 9999-12-31)` }
      : undefined;
  switch (op.op) {
    case "StepPlanned":
      return { type: "start", start: { identity: { ...base, kind: "run", opts: op.opts }, status: "Planned", pending: pending("step", { attempt: 0 }) } };
    case "Sleep": {
      const until = sleepUntil(op, now);
      const invalid = outOfRange("the sleep", until);
      if (invalid || until === undefined) return invalid ?? { type: "not-a-start" };
      return {
        type: "start",
        start: {
          identity: { ...base, kind: "sleep", opts: { ...opts, until: new Date(until).toISOString() } },
          status: "Sleeping",
          pending: pending("sleep", { until }),
          waiting: { type: "sleeping", stepId: op.id, until },
        },
      };
    }
    case "WaitForEvent": {
      const event = typeof opts.event === "string" ? opts.event : (op.name ?? "");
      const timeout = opts.timeout === undefined ? DEFAULT_WAIT : parseDuration(opts.timeout);
      const until = timeout === undefined ? undefined : now + timeout;
      const invalid = outOfRange("the timeout", until);
      if (invalid || until === undefined) return invalid ?? { type: "not-a-start" };
      const expression = typeof opts.if === "string" && opts.if.trim() ? opts.if : undefined;
      return {
        type: "start",
        start: {
          identity: { ...base, kind: "wait", opts },
          status: "Waiting",
          // The look-back covers events since the call started: they may have raced the op.
          pending: pending("wait", { since: callStart, until, event, ...(expression ? { expression } : {}) }),
          waiting: { type: "waiting-for-event", stepId: op.id, event, until },
        },
      };
    }
    case "InvokeFunction": {
      const payload = (opts.payload ?? {}) as { data?: Record<string, unknown>; user?: Record<string, unknown> };
      const timeout = opts.timeout === undefined ? undefined : parseDuration(opts.timeout);
      if (opts.timeout !== undefined && timeout === undefined) return { type: "invalid", message: `step.invoke ${JSON.stringify(label)}: unreadable timeout ${JSON.stringify(opts.timeout)}` };
      const until = timeout === undefined ? undefined : now + timeout;
      if (until !== undefined) {
        const invalid = outOfRange("the timeout", until);
        if (invalid) return invalid;
      }
      const functionId = String(opts.function_id ?? "");
      return {
        type: "start",
        start: {
          identity: { ...base, kind: "invoke", opts },
          status: "Invoking",
          pending: pending("invoke", { functionId, payload: { data: payload.data ?? {}, ...(payload.user ? { user: payload.user } : {}) }, ...(until !== undefined ? { until } : {}) }),
        },
      };
    }
    default:
      return { type: "not-a-start" };
  }
}

/** A sleep's end: `opts.duration`, or a duration or ISO date in the op's name. */
function sleepUntil(op: WireOp, now: number): number | undefined {
  const opts = op.opts ?? {};
  const duration = parseDuration(opts.duration);
  if (duration !== undefined) return now + duration;
  const name = op.name ?? "";
  const asDuration = parseDuration(name);
  if (asDuration !== undefined) return now + asDuration;
  return parseInstant(name) ?? Number.NaN;
}
