import { durationString } from "./duration";
import { matchExpression } from "./triggers";
import type { InvokeTarget, StepId, StepRegistrar, StepTools } from "./step-types";
import type { EventPayload, FerryEvent, SendResult } from "./types";

/** What the step tools need from the client. */
export interface StepToolsDeps {
  appId: string;
  /** The run this execution belongs to (names the events `step.sendEvent` sends). */
  runId?: string;
  send(payload: EventPayload | EventPayload[]): Promise<SendResult>;
}

function splitId(id: StepId): { userId: string; displayName: string } {
  if (typeof id === "string") return { userId: id, displayName: id };
  return { userId: id.id, displayName: id.name ?? id.id };
}

function timeoutString(value: number | string | Date): string {
  return value instanceof Date ? value.toISOString() : durationString(value);
}

/** The engine's function id for an invoke target: `<appId>-<fnId>`. */
export function invokeFunctionId(target: InvokeTarget, appId: string): string {
  if (typeof target === "string") return target.startsWith(`${appId}-`) ? target : `${appId}-${target}`;
  return `${target.appId ?? appId}-${target.id}`;
}

/**
 * Gives each event a step sends an id derived from the run and the step (unless it has one),
 * so a step that runs again after a crash sends the same events, which the engine
 * deduplicates by id: `step.sendEvent` sends each event once.
 */
function withStepIds(payload: EventPayload | EventPayload[], runId: string | undefined, stepId: string): EventPayload | EventPayload[] {
  if (!runId) return payload;
  const name = (event: EventPayload, index: number): EventPayload => (event.id ? event : { ...event, id: `${runId}-${stepId}-${index}` });
  return Array.isArray(payload) ? payload.map(name) : name(payload, 0);
}

/**
 * Builds the `step` object for one execution; every call goes through `register`.
 *
 * @example
 * ```ts
 * const step = createStepTools(registrar, { appId: "shop", send: (p) => client.send(p) });
 * ```
 */
export function createStepTools(register: StepRegistrar, deps: StepToolsDeps): StepTools {
  return {
    run<T>(id: StepId, fn: () => T | Promise<T>) {
      const { userId, displayName } = splitId(id);
      return register({ userId, displayName, kind: "run", op: { op: "StepPlanned", name: userId, displayName, opts: { type: "step" } }, body: fn }) as Promise<Awaited<T>>;
    },
    async sleep(id, duration) {
      const { userId, displayName } = splitId(id);
      const name = durationString(duration);
      await register({ userId, displayName, kind: "sleep", op: { op: "Sleep", name, displayName, opts: { duration: name } } });
    },
    async sleepUntil(id, until) {
      const { userId, displayName } = splitId(id);
      const date = until instanceof Date ? until : new Date(until);
      if (Number.isNaN(date.getTime())) throw new Error(`invalid date passed to sleepUntil: ${String(until)}`);
      await register({ userId, displayName, kind: "sleep", op: { op: "Sleep", name: date.toISOString(), displayName } });
    },
    waitForEvent(id, options) {
      const { userId, displayName } = splitId(id);
      const opts: Record<string, unknown> = { event: options.event, timeout: timeoutString(options.timeout) };
      const expr = matchExpression(options.match, options.if);
      if (expr) opts.if = expr;
      return register({ userId, displayName, kind: "waitForEvent", op: { op: "WaitForEvent", name: options.event, displayName, opts } }) as Promise<FerryEvent<never> | null>;
    },
    sendEvent(id, payload) {
      const { userId, displayName } = splitId(id);
      const op = { op: "StepPlanned", name: "sendEvent", displayName, opts: { type: "step.sendEvent" } };
      return register({ userId, displayName, kind: "run", op, body: (stepId) => deps.send(withStepIds(payload, deps.runId, stepId)) }) as Promise<SendResult>;
    },
    invoke<TResult>(id: StepId, options: Parameters<StepTools["invoke"]>[1]) {
      const { userId, displayName } = splitId(id);
      const payload: Record<string, unknown> = { data: options.data ?? {} };
      if (options.user) payload.user = options.user;
      const opts: Record<string, unknown> = { function_id: invokeFunctionId(options.function, deps.appId), payload };
      if (options.timeout !== undefined) opts.timeout = timeoutString(options.timeout);
      return register({ userId, displayName, kind: "invoke", op: { op: "InvokeFunction", name: userId, displayName, opts } }) as Promise<TResult>;
    },
  };
}
