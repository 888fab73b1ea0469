import type {
  AppStore,
  BacklogStore,
  Clock,
  EngineObserver,
  EventBus,
  EventStore,
  FlowStateStore,
  PayloadStore,
  FunctionCaller,
  Ids,
  RunQueue,
  RunStore,
  SkipStore,
  Timers,
  WaitStore,
} from "../ports";
import type { FunctionCatalog } from "./function-catalog";

/** Settings that change engine behaviour, with production defaults. */
export interface EngineSettings {
  /** Environment name sent to SDKs in `ctx.env`. */
  env: string;
  /** First retry delay before jitter and doubling (ms). */
  retryBaseDelay: number;
  /** How long a sender-given event id deduplicates (ms). */
  eventIdTtl: number;
  /** Largest accepted event, serialized (bytes). */
  maxEventBytes: number;
  /**
   * How long a concurrency lease lives without being released. Longer than the longest call,
   * so a live step never loses its slot; a dead worker's slot comes back after this.
   */
  leaseMs: number;
  /**
   * How far the clocks of two machines may disagree. A waitForEvent looks back over events
   * received since its call started; the event was stamped by the machine that accepted it and
   * the call's start by the one that made it, so the look-back reaches this much further back.
   */
  clockSkewMs: number;
  /**
   * Values larger than this, as JSON, are kept in the PayloadStore and referenced: step outputs,
   * a batch's events and a run's output. Keeps every record well under DynamoDB's 400 KB item limit.
   */
  payloadThresholdBytes: number;
  /**
   * Lets an SDK run many steps in one discovery call, reporting each through the checkpoint
   * API (`ctx.fn_id` is sent only when on). Fewer calls per step; see docs/architecture.md.
   */
  checkpointing: boolean;
  /**
   * Largest call body sent with the memo and events inline (bytes, as UTF-16 length); above it
   * the call says `ctx.use_api` and the SDK reads them from the API. Function URLs take 6 MB.
   */
  callBodyLimitBytes: number;
}

/** Defaults used in production and by `ferry dev`. */
export const defaultSettings: EngineSettings = {
  env: "dev",
  retryBaseDelay: 10_000,
  eventIdTtl: 24 * 60 * 60 * 1000,
  maxEventBytes: 256 * 1024,
  leaseMs: 6 * 60 * 1000,
  clockSkewMs: 5000,
  payloadThresholdBytes: 64 * 1024,
  checkpointing: true,
  callBodyLimitBytes: 4 * 1024 * 1024,
};

/** Everything a use case needs, passed explicitly: `(deps, input) => Promise<Outcome>`. */
export interface EngineDeps {
  clock: Clock;
  ids: Ids;
  events: EventStore;
  runs: RunStore;
  apps: AppStore;
  waits: WaitStore;
  flow: FlowStateStore;
  backlog: BacklogStore;
  skips: SkipStore;
  payloads: PayloadStore;
  queue: RunQueue;
  timers: Timers;
  bus: EventBus;
  caller: FunctionCaller;
  catalog: FunctionCatalog;
  observer: EngineObserver;
  settings: EngineSettings;
}

/** The stores of the engine, as every state adapter (SQLite, DynamoDB) provides them. */
export type EngineStores = Pick<EngineDeps, "events" | "runs" | "apps" | "waits" | "flow" | "backlog" | "skips">;
