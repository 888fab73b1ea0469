import type { FerryBus } from "./ferry-bus";
import type { FerryQueues } from "./ferry-queues";
import type { FerrySecrets } from "./ferry-secrets";
import type { FerryState } from "./ferry-state";
import type { FerryTimers } from "./ferry-timers";

/** The resources the engine's Lambdas work on: what their environment names and roles reach. */
export interface EngineResources {
  /** Deployment stage. */
  readonly stage: string;
  /** Table and payload bucket. */
  readonly state: FerryState;
  /** Run, delay and route queues. */
  readonly queues: FerryQueues;
  /** Event bus. */
  readonly bus: FerryBus;
  /** Schedule group and scheduler role. */
  readonly timers: FerryTimers;
  /** Signing and event keys. */
  readonly secrets: FerrySecrets;
}
