import type { CheckpointingOption } from "./checkpointing";
import type { EventData, FerryEvent, Logger } from "./types";
import type { StepTools } from "./step-types";

/**
 * What starts a function: an event (optionally filtered by a CEL `if` expression) or a cron.
 *
 * @example
 * ```ts
 * const t: Trigger = { event: "app/order.paid", if: "event.data.total > 100" };
 * ```
 */
export type Trigger = { event: string; if?: string } | { cron: string };

/** One concurrency limit. `key` is a CEL expression making one queue per value. */
export interface ConcurrencyOption {
  limit: number;
  key?: string;
  scope?: "fn" | "env" | "account";
}

/** Cancels a run when a matching event arrives. `match: "data.x"` means `event.data.x == async.data.x`. */
export interface CancelOn {
  event: string;
  match?: string;
  if?: string;
  timeout?: string | number;
}

/**
 * A function's configuration. Flow-control keys are passed to the engine as written.
 *
 * @example
 * ```ts
 * const config: FunctionConfig = { id: "send-welcome", retries: 3, concurrency: { limit: 5, key: "event.data.userId" } };
 * ```
 */
export interface FunctionConfig<TData extends EventData = EventData> {
  /** The function id, unique within the app. */
  id: string;
  /** A human name; defaults to the id. */
  name?: string;
  /** v4 form: the triggers inside the config. */
  triggers?: Trigger | Trigger[];
  /** Alias of `triggers`. */
  trigger?: Trigger | Trigger[];
  concurrency?: number | ConcurrencyOption | ConcurrencyOption[];
  throttle?: { limit: number; period: string; burst?: number; key?: string };
  rateLimit?: { limit: number; period: string; key?: string };
  debounce?: { period: string; key?: string; timeout?: string };
  batchEvents?: { maxSize: number; timeout: string; key?: string; if?: string };
  priority?: { run?: string };
  /** A CEL key expression: at most one run per key per 24 h. */
  idempotency?: string;
  singleton?: { key?: string; mode: "skip" | "cancel" };
  cancelOn?: CancelOn[];
  timeouts?: { start?: string; finish?: string };
  /** Retries per step (attempts = retries + 1). Default 4. */
  retries?: number;
  /** Runs once after the function has failed for good. */
  onFailure?: FailureHandler<TData>;
  /**
   * Run many steps per call, checkpointing each to the engine (default: the client's option,
   * else `true`). `false` runs one step per call; `{ maxRuntime }` bounds one call (default 10 s).
   */
  checkpointing?: CheckpointingOption;
}

/**
 * What a handler receives.
 *
 * @example
 * ```ts
 * async ({ event, step, logger }) => { logger.info(event.name); await step.sleep("wait", "1m"); }
 * ```
 */
export interface HandlerContext<TData extends EventData = EventData> {
  /** The first (triggering) event. */
  event: FerryEvent<TData>;
  /** All events of the run (several when batched). */
  events: FerryEvent<TData>[];
  /** Durable step tools. */
  step: StepTools;
  runId: string;
  /** Zero-based attempt of the current step or request. */
  attempt: number;
  logger: Logger;
}

/** A function handler. */
export type Handler<TData extends EventData = EventData, TResult = unknown> = (ctx: HandlerContext<TData>) => TResult | Promise<TResult>;

/** The data of an `inngest/function.failed` event. */
export interface FunctionFailedData extends EventData {
  function_id: string;
  run_id: string;
  error: unknown;
  event: FerryEvent;
}

/** What an `onFailure` handler receives: the failure event and the deserialized error. */
export interface FailureContext<TData extends EventData = EventData> extends Omit<HandlerContext<FunctionFailedData>, "event"> {
  /** The `inngest/function.failed` event; `event.data.event` is the original trigger. */
  event: FerryEvent<FunctionFailedData> & { data: { event: FerryEvent<TData> } };
  /** The error the function failed with. */
  error: Error;
}

/** An `onFailure` handler. */
export type FailureHandler<TData extends EventData = EventData> = (ctx: FailureContext<TData>) => unknown;
