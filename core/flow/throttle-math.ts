/**
 * Throttle as a generic cell rate algorithm (GCRA) with reservations: every start reserves the
 * next slot, so excess starts are delayed in arrival order and never dropped. With emission
 * interval I = period / limit and tolerance τ = burst × I, no window shorter than `period`
 * holds more than `limit + burst` starts, and the long-run rate is `limit` per `period`.
 */
export interface ThrottleState {
  /** Theoretical arrival time of the next start (epoch ms). */
  tat: number;
}

/** A throttle decision: when this start may happen, and the state to store. */
export interface ThrottleSlot {
  startAt: number;
  next: ThrottleState;
}

/** Reserves the next start slot. `state` undefined means no start seen yet. */
export function reserveThrottleSlot(
  state: ThrottleState | undefined,
  now: number,
  config: { limit: number; periodMs: number; burst: number },
): ThrottleSlot {
  const interval = config.periodMs / config.limit;
  const tolerance = config.burst * interval;
  const tat = Math.max(state?.tat ?? now, now);
  // Whole milliseconds, rounded up: a start is never early because of floating-point drift.
  const startAt = Math.max(now, Math.ceil(tat - tolerance));
  return { startAt, next: { tat: Math.max(tat, startAt) + interval } };
}
