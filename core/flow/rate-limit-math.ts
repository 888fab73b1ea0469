/**
 * Rate limit as counters over fixed buckets: the period is split into at most
 * {@link RATE_LIMIT_MAX_BUCKETS} buckets, and the state keeps one count per bucket that still
 * overlaps the window, so its size does not grow with `limit` (a DynamoDB item holds 400 KB).
 *
 * A bucket with end `e` covers (e - width, e]; ends are multiples of the width, so buckets line
 * up on round times. An event at `now` is admitted when the buckets overlapping
 * (now - period, now] hold fewer than `limit` accepted events. A bucket the window only partly
 * overlaps counts whole, so no window of length `period` ever holds more than `limit` accepted
 * events, and the limit errs on the safe side by at most one bucket: an event is skipped only
 * when `limit` events were accepted in (now - period - width, now]. The caller keeps the state
 * until one period after the last admission; by then every counted event has left the window,
 * so the item expiring is safe (and drops the rounding of its last buckets).
 */
export interface RateLimitState {
  /** `[bucket end, accepted count]` of the buckets still overlapping the window, oldest first. */
  buckets: Array<[end: number, count: number]>;
  /** Ids of the last {@link RATE_LIMIT_RECENT_IDS} admitted events, oldest first. */
  recent: string[];
}

/** The state stored before buckets: one time per accepted event. Read so a live window survives an upgrade. */
interface LegacyRateLimitState {
  accepted: number[];
}

/** Upper bound on the number of buckets a period is split into. */
export const RATE_LIMIT_MAX_BUCKETS = 60;

/** How many admitted event ids the state remembers, to recognise a redelivered event. */
export const RATE_LIMIT_RECENT_IDS = 32;

/** A rate-limit decision: admitted with the state to store, or skipped with when capacity may return. */
export type RateLimitDecision = { admitted: true; next: RateLimitState } | { admitted: false; retryAt: number };

/**
 * Bucket width for a period: the period divided by the largest count in 30..60 that divides it
 * evenly (periods are round durations, so "10s" gets 50 buckets of 200 ms and "1m" 60 of 1 s),
 * otherwise period / 60 rounded up. Whole milliseconds, at least 1.
 */
export function rateLimitBucketMs(periodMs: number): number {
  for (let count = RATE_LIMIT_MAX_BUCKETS; count >= RATE_LIMIT_MAX_BUCKETS / 2; count--) {
    if (periodMs % count === 0) return periodMs / count;
  }
  return Math.max(1, Math.ceil(periodMs / RATE_LIMIT_MAX_BUCKETS));
}

/**
 * Decides whether an event at `now` fits, and the state to store if it does. An event whose id
 * is among the recently admitted ones is admitted again without being counted again: queues
 * deliver at least once, and a redelivered routing job must reach the same decision (a skip
 * now would leave an admitted event with neither its run nor a consistent outcome). Without an
 * `eventId` every call counts.
 */
export function admitRateLimited(
  state: RateLimitState | LegacyRateLimitState | undefined,
  now: number,
  config: { limit: number; periodMs: number },
  eventId?: string,
): RateLimitDecision {
  const windowStart = now - config.periodMs;
  const live = currentBuckets(state, config.periodMs).filter(([end]) => end > windowStart);
  const recent = state && "recent" in state ? state.recent : [];
  if (eventId !== undefined && recent.includes(eventId)) return { admitted: true, next: { buckets: live, recent } };

  const accepted = live.reduce((sum, [, count]) => sum + count, 0);
  // The oldest live bucket leaving the window is the earliest moment capacity can come back.
  if (accepted >= config.limit) return { admitted: false, retryAt: (live[0]?.[0] ?? now) + config.periodMs };

  const width = rateLimitBucketMs(config.periodMs);
  const end = Math.ceil(now / width) * width;
  const buckets = live.map(([e, count]): [number, number] => (e === end ? [e, count + 1] : [e, count]));
  // Sorted insert, not a push: a caller's clock may step back a little (clocks of different hosts).
  if (!buckets.some(([e]) => e === end)) {
    buckets.push([end, 1]);
    buckets.sort((a, b) => a[0] - b[0]);
  }
  const ids = eventId === undefined ? recent : [...recent, eventId].slice(-RATE_LIMIT_RECENT_IDS);
  return { admitted: true, next: { buckets, recent: ids } };
}

/**
 * The stored buckets, or a legacy log folded into buckets. Stored ends are trusted as they are,
 * even when the period (and so the width) changed since: an event counts until its bucket's end
 * leaves the window, which is never earlier than the event itself leaving it.
 */
function currentBuckets(state: RateLimitState | LegacyRateLimitState | undefined, periodMs: number): Array<[number, number]> {
  if (!state) return [];
  if ("buckets" in state) return state.buckets.map(([end, count]): [number, number] => [end, count]);
  const width = rateLimitBucketMs(periodMs);
  const counts = new Map<number, number>();
  for (const at of state.accepted) {
    const end = Math.ceil(at / width) * width;
    counts.set(end, (counts.get(end) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}
