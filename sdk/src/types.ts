/** Shared types of the SDK's public API. */

/** A JSON-like record, the shape of event data. */
export type EventData = Record<string, unknown>;

/**
 * An event as sent to Ferry. `name` is required; the engine fills `id` and `ts` when absent.
 *
 * @example
 * ```ts
 * const e: EventPayload = { name: "app/user.created", data: { userId: "u1" } };
 * ```
 */
export interface EventPayload<TData extends EventData = EventData> {
  name: string;
  data?: TData;
  id?: string;
  ts?: number;
  v?: string;
  user?: Record<string, unknown>;
}

/** An event as received by a handler: all fields present. */
export interface FerryEvent<TData extends EventData = EventData> {
  id: string;
  name: string;
  data: TData;
  ts: number;
  v?: string;
  user: Record<string, unknown>;
}

/** A minimal logger; `console` fits. */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** The fetch function the client uses (global `fetch` by default). */
export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

/** The answer of `client.send`. */
export interface SendResult {
  ids: string[];
}
