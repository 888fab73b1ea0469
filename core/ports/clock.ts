/** Time and identity come through ports so the core stays deterministic under test. */

/** The engine's notion of now, in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** Fresh identifiers and randomness (ULIDs for runs and events, jitter for retries). */
export interface Ids {
  /** A new ULID, monotonic within one process. */
  ulid(): string;
  /** A number in [0, 1) for retry jitter. */
  random(): number;
}

/** A clock that can also wake a caller at a time: the local timer scheduler's one wake-up. */
export interface AlarmClock extends Clock {
  /** Calls `callback` once the clock reaches `at`; returns a function that cancels it. */
  setAlarm(at: number, callback: () => void): () => void;
}
