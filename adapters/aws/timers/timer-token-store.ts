import type { Job } from "../../../core";

/**
 * The stored truth about a pending timer. A firing (a Scheduler invocation or a delayed SQS
 * message, neither of which can be recalled) carries the token it was scheduled with and is
 * acted on only when the stored token still matches: a replaced or cancelled timer's old
 * firings are ignored.
 */
export interface TimerToken {
  id: string;
  /** Changes whenever the timer is replaced with another time or job. */
  token: string;
  /** When the timer is due (epoch ms). */
  at: number;
  /**
   * The job the timer fires, kept with its token so that a schedule overwritten by a slower,
   * older writer can be written again from the truth (see `AwsTimers.schedule`).
   */
  job?: Job;
}

/** Timer tokens, one item per timer id (DynamoDB: one item, keyed by the timer id). */
export interface TimerTokenStore {
  /** Stores or replaces the token of a timer (unconditional: the latest schedule wins). */
  put(token: TimerToken): Promise<void>;
  /** The timer's current token, or undefined once fired or cancelled. */
  get(id: string): Promise<TimerToken | undefined>;
  /**
   * Removes the timer's token. With `token`, only if it is still that one (a firing must not
   * remove a newer schedule of the same id); without, whatever it is (cancel).
   */
  delete(id: string, token?: string): Promise<void>;
}
