import { resolveCheckpointing, type CheckpointingOption, type CheckpointSettings } from "./checkpointing";
import { deserializeError } from "./error-serde";
import type { FailureContext, FunctionConfig, FunctionFailedData, Handler, HandlerContext } from "./function-config";
import { buildFunctionRegistration, type FunctionRegistration } from "./registration";
import type { WireTrigger } from "./triggers";
import type { EventData, EventPayload, FetchLike, Logger, SendResult } from "./types";

/** What a function needs from its client. */
export interface FunctionClient {
  readonly id: string;
  readonly logger: Logger;
  /** Used, with `env`, to checkpoint and to read run state from the engine. */
  readonly fetch: FetchLike;
  readonly env: { apiBaseUrl: string; signingKey?: string };
  /** The client-wide default of `FunctionConfig.checkpointing`. */
  readonly checkpointing?: CheckpointingOption;
  send(payload: EventPayload | EventPayload[]): Promise<SendResult>;
}

/** Default retries per step (so 5 attempts). */
export const DEFAULT_RETRIES = 4;

/**
 * A durable function, made by `client.createFunction` and passed to `serve`.
 *
 * @example
 * ```ts
 * const fn = ferry.createFunction({ id: "hello", triggers: [{ event: "app/hello" }] }, async () => "hi");
 * fn.fullId; // "my-app-hello"
 * ```
 */
export class FerryFunction<TData extends EventData = EventData, TResult = unknown> {
  /** The function id within the app. */
  readonly id: string;
  /** The owning app's id. */
  readonly appId: string;
  /** Display name. */
  readonly name: string;
  /** The configuration as given. */
  readonly config: FunctionConfig<TData>;
  /** The wire triggers. */
  readonly triggers: WireTrigger[];
  /** The client that created the function. */
  readonly client: FunctionClient;
  /** Checkpointing as resolved from the function's option, then the client's; `false` when off. */
  readonly checkpointing: CheckpointSettings | false;
  private readonly handler: Handler<EventData, unknown>;
  private readonly failure: FerryFunction | undefined;

  /** Use `client.createFunction` instead. */
  constructor(client: FunctionClient, config: FunctionConfig<TData>, triggers: WireTrigger[], handler: Handler<TData, TResult>) {
    if (!config.id) throw new Error("createFunction needs an id");
    if (triggers.length === 0) throw new Error(`function "${config.id}" needs at least one trigger`);
    if (triggers.length > 10) throw new Error(`function "${config.id}" has more than 10 triggers`);
    this.client = client;
    this.id = config.id;
    this.appId = client.id;
    this.name = config.name ?? config.id;
    this.config = config;
    this.triggers = triggers;
    this.checkpointing = resolveCheckpointing(config.checkpointing, client.checkpointing);
    this.handler = handler as Handler<EventData, unknown>;
    this.failure = config.onFailure ? this.makeFailureFunction(config.onFailure) : undefined;
  }

  /** The engine's id: `<appId>-<fnId>`. */
  get fullId(): string {
    return `${this.appId}-${this.id}`;
  }

  /** Attempts per step: retries + 1. */
  get maxAttempts(): number {
    return (this.config.retries ?? DEFAULT_RETRIES) + 1;
  }

  /** This function and its failure handler function, if any. */
  all(): FerryFunction[] {
    return this.failure ? [this as unknown as FerryFunction, this.failure] : [this as unknown as FerryFunction];
  }

  /** Calls the handler. */
  run(ctx: HandlerContext): Promise<unknown> {
    return Promise.resolve().then(() => this.handler(ctx));
  }

  /** The registration entry for this function alone (see `all()` for the failure function). */
  registration(serveUrl: string): FunctionRegistration {
    return buildFunctionRegistration(this.fullId, this.name, this.triggers, this.config, serveUrl);
  }

  private makeFailureFunction(onFailure: NonNullable<FunctionConfig<TData>["onFailure"]>): FerryFunction {
    const failureTrigger: WireTrigger = { event: "inngest/function.failed", expression: `event.data.function_id == '${this.fullId}'` };
    const handler: Handler<FunctionFailedData> = (ctx) => onFailure({ ...ctx, error: deserializeError(ctx.event.data.error) } as FailureContext<TData>);
    const config = { id: `${this.id}-failure`, name: `${this.name} (failure)`, retries: 1, checkpointing: this.config.checkpointing };
    return new FerryFunction(this.client, config, [failureTrigger], handler as Handler);
  }
}

