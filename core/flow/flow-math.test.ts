import fc from "fast-check";
import { admitRateLimited, type RateLimitState } from "./rate-limit-math";
import { reserveThrottleSlot, type ThrottleState } from "./throttle-math";

describe("throttle (GCRA with reservations)", () => {
  it("lets limit+burst start at once, then spaces the rest one interval apart in arrival order", () => {
    let state: ThrottleState | undefined;
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const slot = reserveThrottleSlot(state, 0, { limit: 2, periodMs: 60_000, burst: 1 });
      state = slot.next;
      starts.push(slot.startAt);
    }
    expect(starts).toEqual([0, 0, 30_000, 60_000, 90_000, 120_000]);
  });

  it("property: no window shorter than the period holds more than limit+burst starts", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1_000, max: 120_000 }),
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 80 }),
        (limit, burst, periodMs, gaps) => {
          let state: ThrottleState | undefined;
          let now = 0;
          const starts: number[] = [];
          let lastStart = -Infinity;
          for (const gap of gaps) {
            now += gap;
            const slot = reserveThrottleSlot(state, now, { limit, periodMs, burst });
            state = slot.next;
            expect(slot.startAt).toBeGreaterThanOrEqual(now); // never before the event
            expect(slot.startAt).toBeGreaterThanOrEqual(lastStart); // FIFO
            lastStart = slot.startAt;
            starts.push(slot.startAt);
          }
          for (let i = 0; i < starts.length; i++) {
            const inWindow = starts.filter((t) => t >= (starts[i] as number) && t < (starts[i] as number) + periodMs).length;
            expect(inWindow).toBeLessThanOrEqual(limit + burst);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("rate limit (sliding window log)", () => {
  it("admits up to the limit per window and skips the rest", () => {
    let state: RateLimitState | undefined;
    const results = [0, 1, 2, 3, 61_000].map((now) => {
      const decision = admitRateLimited(state, now, { limit: 3, periodMs: 60_000 });
      if (decision.admitted) state = decision.next;
      return decision.admitted;
    });
    expect(results).toEqual([true, true, true, false, true]);
  });

  it("property: no window of one period holds more than the limit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 100 }),
        (limit, periodMs, gaps) => {
          let state: RateLimitState | undefined;
          let now = 0;
          const admitted: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const decision = admitRateLimited(state, now, { limit, periodMs });
            if (decision.admitted) {
              state = decision.next;
              admitted.push(now);
            }
          }
          for (const t of admitted) {
            expect(admitted.filter((a) => a >= t && a < t + periodMs).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});
