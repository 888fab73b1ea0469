import type { CheckpointingOption } from "./checkpointing";
import { resolveEnv, type ResolvedEnv } from "./env";
import { FerryFunction } from "./ferry-function";
import type { FunctionConfig, Handler, Trigger } from "./function-config";
import { toWireTriggers } from "./triggers";
import type { EventData, EventPayload, FetchLike, Logger, SendResult } from "./types";
import { SDK_IDENTIFIER } from "./version";

/** Options of `new Ferry(...)`. Unset values come from `INNGEST_*` environment variables. */
export interface FerryOptions {
  /** The app id; prefixes every function id. */
  id: string;
  eventKey?: string;
  /** Engine URL for both events and the API (overrides env). */
  baseUrl?: string;
  signingKey?: string;
  signingKeyFallback?: string;
  /** Dev mode: no signatures, event key "dev", engine at http://127.0.0.1:8288 by default. */
  isDev?: boolean;
  fetch?: FetchLike;
  logger?: Logger;
  /** Environment to read (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Checkpointing for functions that do not set their own `checkpointing` (default `true`). */
  checkpointing?: CheckpointingOption;
}

/**
 * The Ferry client: sends events and creates functions.
 *
 * @example
 * ```ts
 * const ferry = new Ferry({ id: "shop" });
 * await ferry.send({ name: "shop/order.paid", data: { orderId: "o1" } });
 * ```
 */
export class Ferry {
  /** The app id. */
  readonly id: string;
  /** Resolved URLs, keys and mode. */
  readonly env: ResolvedEnv;
  readonly logger: Logger;
  /** The client-wide checkpointing option, as given. */
  readonly checkpointing: CheckpointingOption | undefined;
  private readonly fetchImpl: FetchLike;

  /** Creates a client. */
  constructor(options: FerryOptions) {
    if (!options.id) throw new Error("new Ferry({ id }) needs an app id");
    this.id = options.id;
    this.env = resolveEnv(options, options.env ?? process.env);
    this.logger = options.logger ?? console;
    this.checkpointing = options.checkpointing;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.hasOwnFetch = options.fetch !== undefined;
  }

  /** True when the client was given a `fetch`: serve adapters then use it rather than their own. */
  readonly hasOwnFetch: boolean;

  /** Whether the client runs in dev mode. */
  get isDev(): boolean {
    return this.env.isDev;
  }

  /** The fetch used for engine calls. */
  get fetch(): FetchLike {
    return this.fetchImpl;
  }

  /**
   * Sends one or more events; resolves to their ids. Throws with the server's message on failure.
   *
   * @example
   * ```ts
   * const { ids } = await ferry.send([{ name: "a" }, { name: "b", data: { x: 1 } }]);
   * ```
   */
  async send(payload: EventPayload | EventPayload[]): Promise<SendResult> {
    const events = (Array.isArray(payload) ? payload : [payload]).map((e) => ({ ...e, data: e.data ?? {} }));
    if (events.length === 0) return { ids: [] };
    for (const e of events) if (!e.name) throw new Error("ferry.send: every event needs a name");
    const key = this.env.eventKey;
    if (!key) throw new Error("ferry.send: no event key; set INNGEST_EVENT_KEY, pass eventKey, or use dev mode (INNGEST_DEV=1)");
    const url = `${this.env.eventBaseUrl}/e/${encodeURIComponent(key)}`;
    const res = await this.fetchImpl(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-sdk": SDK_IDENTIFIER }, body: JSON.stringify(events) });
    const text = await res.text();
    let body: { ids?: string[]; error?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { error: text };
    }
    if (!res.ok) throw new Error(`ferry.send failed (${res.status}): ${body.error ?? (text || "no message")}`);
    return { ids: body.ids ?? [] };
  }

  /**
   * Creates a function. Two forms: `(config, trigger, handler)` and `({ ...config, triggers }, handler)`.
   *
   * @example
   * ```ts
   * const fn = ferry.createFunction({ id: "welcome", triggers: [{ event: "user/created" }] }, async ({ event, step }) => {
   *   await step.run("email", () => sendEmail(event.data.email));
   * });
   * ```
   */
  createFunction<TData extends EventData = EventData, TResult = unknown>(config: FunctionConfig<TData>, handler: Handler<TData, TResult>): FerryFunction<TData, TResult>;
  /** The v3 form: the trigger as its own argument. */
  createFunction<TData extends EventData = EventData, TResult = unknown>(config: FunctionConfig<TData>, trigger: Trigger | Trigger[], handler: Handler<TData, TResult>): FerryFunction<TData, TResult>;
  createFunction<TData extends EventData, TResult>(config: FunctionConfig<TData>, second: Trigger | Trigger[] | Handler<TData, TResult>, third?: Handler<TData, TResult>): FerryFunction<TData, TResult> {
    const handler = typeof second === "function" ? second : third;
    if (!handler) throw new Error(`createFunction("${config.id}") needs a handler`);
    const triggers = typeof second === "function" ? (config.triggers ?? config.trigger) : second;
    return new FerryFunction(this, config, toWireTriggers(triggers), handler);
  }
}
