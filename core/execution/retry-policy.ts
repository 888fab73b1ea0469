/** When to try again after a failure. */

const SECOND = 1000;
const MIN_RETRY_AFTER = SECOND;
const MAX_RETRY_AFTER = 24 * 60 * 60 * SECOND;
const BASE_DELAY = 10 * SECOND;
const MAX_DELAY = 60 * 60 * SECOND;

/** Default number of retries after the first attempt, per step. */
export const DEFAULT_RETRIES = 4;
/** Upper bound on configured retries. */
export const MAX_RETRIES = 20;

/**
 * Exponential backoff with "equal jitter": half the delay is fixed so retries never bunch at
 * zero, half is random so a thundering herd spreads out. `attempt` is the zero-based attempt
 * that just failed.
 */
export function backoffDelay(attempt: number, random: number, baseDelay = BASE_DELAY): number {
  const exponential = Math.min(baseDelay * 2 ** Math.min(attempt, 30), MAX_DELAY);
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** Reads `Retry-After` (seconds or an HTTP date) into an absolute time, clamped to 1 s .. 24 h from now. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  let delay: number;
  if (Number.isFinite(seconds)) delay = seconds * SECOND;
  else {
    const at = Date.parse(header);
    if (Number.isNaN(at)) return undefined;
    delay = at - now;
  }
  return now + Math.min(Math.max(delay, MIN_RETRY_AFTER), MAX_RETRY_AFTER);
}
