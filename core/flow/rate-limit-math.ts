/**
 * Rate limit as a sliding-window log: the times of the starts accepted in the last `period`.
 * Exact (no window of length `period` ever holds more than `limit` accepted events) and small
 * enough for one item, since it never keeps more than `limit` entries.
 */
export interface RateLimitState {
  /** Accepted times within the window, oldest first. */
  accepted: number[];
}

/** Decides whether an event at `now` fits, and the state to store if it does. */
export function admitRateLimited(
  state: RateLimitState | undefined,
  now: number,
  config: { limit: number; periodMs: number },
): { admitted: true; next: RateLimitState } | { admitted: false; retryAt: number } {
  const windowStart = now - config.periodMs;
  const recent = (state?.accepted ?? []).filter((at) => at > windowStart);
  if (recent.length >= config.limit) return { admitted: false, retryAt: (recent[0] ?? now) + config.periodMs };
  return { admitted: true, next: { accepted: [...recent, now] } };
}
