import type { Duration } from "./duration";
import type { EventData, EventPayload, FerryEvent, SendResult } from "./types";

/** A step id: the id string, or `{ id, name }` to show a different display name. */
export type StepId = string | { id: string; name?: string };

/** Something `step.invoke` can call: a function made by `createFunction`, or a function id in this app. */
export type InvokeTarget = string | { readonly id: string; readonly appId?: string };

/** Options of `step.waitForEvent`. `match: "data.x"` means `event.data.x == async.data.x`. */
export interface WaitForEventOptions {
  event: string;
  timeout: Duration | Date;
  match?: string;
  if?: string;
}

/** Options of `step.invoke`. */
export interface InvokeOptions {
  function: InvokeTarget;
  data?: EventData;
  user?: Record<string, unknown>;
  timeout?: Duration | Date;
}

/**
 * Durable step tools. Each call is memoized by its id: on replay it returns the stored value
 * instead of running again.
 *
 * @example
 * ```ts
 * const user = await step.run("load-user", () => db.users.get(event.data.userId));
 * await step.sleep("cool-off", "1h");
 * const reply = await step.waitForEvent("reply", { event: "app/reply", timeout: "1d", match: "data.userId" });
 * ```
 */
export interface StepTools {
  /** Runs `fn` once (retried on error) and memoizes its JSON result. */
  run<T>(id: StepId, fn: () => T | Promise<T>): Promise<Awaited<T>>;
  /** Pauses the run for a duration (`"5m"` or milliseconds). */
  sleep(id: StepId, duration: Duration): Promise<void>;
  /** Pauses the run until a date (Date or ISO string). */
  sleepUntil(id: StepId, until: Date | string): Promise<void>;
  /** Waits for a matching event; resolves to it, or `null` on timeout. */
  waitForEvent<TData extends EventData = EventData>(id: StepId, options: WaitForEventOptions): Promise<FerryEvent<TData> | null>;
  /** Sends events durably (once per run). */
  sendEvent(id: StepId, payload: EventPayload | EventPayload[]): Promise<SendResult>;
  /** Calls another function and resolves to its return value (rejects with its error). */
  invoke<TResult = unknown>(id: StepId, options: InvokeOptions): Promise<TResult>;
}

/** An op as sent to the engine in a 206 body. */
export interface OutgoingOp {
  op: string;
  id: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
  /**
   * When the step's code ran, as the protocol carries it (Go's `interval.Interval`): `a` the start
   * and `b` the duration, both in nanoseconds. The engine takes the duration, so its timeline
   * shows how long the step's own code took, whatever this machine's clock says.
   */
  timing?: { a: number; b: number };
}

/** How a memoized value is read back for a step kind. */
export type StepKind = "run" | "sleep" | "waitForEvent" | "invoke";

/** A step the handler reached, as handed to the executor by the step tools. */
export interface StepRequest {
  userId: string;
  displayName: string;
  kind: StepKind;
  /** The op to report when the step is new, minus `id`. */
  op: Omit<OutgoingOp, "id">;
  /** The body for `run`-like steps, executed by the SDK; it gets the step's hashed id. */
  body?: (stepId: string) => unknown;
}

/** Receives steps from the tools; returns the promise the tool hands to user code. */
export type StepRegistrar = (request: StepRequest) => Promise<unknown>;
