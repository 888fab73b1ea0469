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
    fn_id?: string;
    attempt?: number;
    max_attempts?: number;
    step_id?: string;
    stack?: { stack?: string[]; current?: number };
    disable_immediate_execution?: boolean;
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
  | { type: "step-not-found"; stepId: string; foundSteps: OutgoingOp[] };
