import type { SerializedError } from "./error-serde";
import type { OutgoingOp } from "./step-types";
import type { FerryEvent } from "./types";

/** The engine's call body (`POST ?fnId=..&stepId=..`), as far as the SDK reads it. */
export interface CallRequest {
  event: FerryEvent;
  events?: FerryEvent[];
  /** Memoized step values keyed by hashed step id. */
  steps?: Record<string, unknown>;
  version?: number;
  ctx?: {
    run_id?: string;
    /** The engine's internal function id; with `qi_id`, tells the SDK it may checkpoint. */
    fn_id?: string;
    /** The id of the queue item behind this call, echoed in checkpoints. */
    qi_id?: string;
    attempt?: number;
    max_attempts?: number;
    step_id?: string;
    stack?: { stack?: string[]; current?: number };
    disable_immediate_execution?: boolean;
    /** The memo and events were too large for the body: read them from the engine's API. */
    use_api?: boolean;
    env?: string;
  };
}

/**
 * `retriable`: `true` to retry, `false` for a final failure, or a `Retry-After` value.
 */
export type Retriability = boolean | string;

/** What one execution produced. */
export type ExecutionResult =
  | { type: "function-resolved"; data: unknown }
  | { type: "function-rejected"; error: SerializedError; retriable: Retriability }
  | { type: "step-ran"; op: OutgoingOp; retriable?: Retriability }
  | { type: "steps-found"; ops: OutgoingOp[] }
  | { type: "step-not-found"; stepId: string; foundSteps: OutgoingOp[] }
  /** A checkpoint was refused with 409: the run moved on, so this call stops without retry. */
  | { type: "stale-dispatch"; error: SerializedError };
