import type { SerializedError } from "../errors";
import type { PayloadRef } from "./payload-ref";

/** What a step is, by the opcode that created it. */
export type StepKind = "run" | "sleep" | "wait" | "invoke";

/** Lifecycle of one step. */
export type StepStatus = "Planned" | "Running" | "Completed" | "Failed" | "Sleeping" | "Waiting" | "Invoking";

/** One failed attempt, kept for the run API. */
export interface StepAttemptError {
  attempt: number;
  at: number;
  error: SerializedError;
}

/**
 * A step of a run: its memoized value once done (exactly what the SDK gets back in `steps`)
 * plus what the run API shows about it.
 */
export interface StepRecord {
  runId: string;
  /** Hashed step id. */
  id: string;
  /** The user's step id. */
  name: string;
  displayName?: string;
  kind: StepKind;
  status: StepStatus;
  /** Attempts made so far (1 after the first try). */
  attempts: number;
  /**
   * Present once the step is done; the memo value sent back to the SDK. A value larger than
   * the payload threshold is kept in the PayloadStore: then `ref` names it and `value` is absent.
   */
  memo?: { value?: unknown; ref?: PayloadRef };
  errors: StepAttemptError[];
  /** Op options as the SDK sent them (sleep duration, wait event and expression, invoke target). */
  opts?: Record<string, unknown>;
  startedAt: number;
  endedAt?: number;
  version: number;
}
