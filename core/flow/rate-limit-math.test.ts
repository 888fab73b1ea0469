import fc from "fast-check";
import { admitRateLimited, rateLimitBucketMs, RATE_LIMIT_MAX_BUCKETS, RATE_LIMIT_RECENT_IDS, type RateLimitState } from "./rate-limit-math";

/** Feeds events `[time, id]` through the rate limit; returns the admitted ones and the final state. */
function play(events: Array<[number, string]>, config: { limit: number; periodMs: number }) {
  let state: RateLimitState | undefined;
  const admitted: Array<[number, string]> = [];
  for (const [at, id] of events) {
    const decision = admitRateLimited(state, at, config, id);
    if (!decision.admitted) continue;
    state = decision.next;
    admitted.push([at, id]);
  }
  return { admitted, state };
}

describe("rate limit (bucket counters)", () => {
  it("splits round periods into up to 60 even buckets, and short or odd ones into fewer or rounded ones", () => {
    expect(rateLimitBucketMs(60_000)).toBe(1_000);
    expect(rateLimitBucketMs(10_000)).toBe(200);
    expect(rateLimitBucketMs(1_000)).toBe(20);
    expect(rateLimitBucketMs(4 * 60 * 60_000)).toBe(4 * 60_000);
    expect(rateLimitBucketMs(1_009)).toBe(17);
    expect(rateLimitBucketMs(10)).toBe(1);
  });

  it("counts a bucket the window only partly overlaps whole: conservative by at most one bucket", () => {
    const config = { limit: 1, periodMs: 60_000 }; // buckets of 1 s
    const first = admitRateLimited(undefined, 500, config, "a");
    if (!first.admitted) throw new Error("first event skipped");
    // 60.5 s later the event itself left the window, but its bucket (0, 1000] still overlaps it.
    expect(admitRateLimited(first.next, 60_500, config, "b")).toEqual({ admitted: false, retryAt: 61_000 });
    expect(admitRateLimited(first.next, 61_000, config, "b").admitted).toBe(true);
  });

  it("is exact when events fall on bucket boundaries", () => {
    const { admitted } = play([[0, "a"], [5_000, "b"], [9_999, "c"], [10_000, "d"], [10_000, "e"], [15_000, "f"]], { limit: 2, periodMs: 10_000 });
    expect(admitted.map(([, id]) => id)).toEqual(["a", "b", "d", "f"]);
  });

  it("admits a redelivered event again without counting it again", () => {
    const config = { limit: 2, periodMs: 60_000 };
    const { admitted, state } = play([[0, "a"], [10, "a"], [20, "a"], [30, "b"], [40, "c"], [50, "b"]], config);
    expect(admitted.map(([, id]) => id)).toEqual(["a", "a", "a", "b", "b"]);
    expect(state?.buckets).toEqual([[0, 1], [1_000, 1]]);
    expect(state?.recent).toEqual(["a", "b"]);
  });

  it("remembers only the last ids, so an event redelivered after many others counts again", () => {
    const ids = Array.from({ length: RATE_LIMIT_RECENT_IDS + 1 }, (_, i) => `e${i}`);
    const { state } = play([...ids.map((id, i): [number, string] => [i + 1, id]), [100, "e0"]], { limit: 1_000, periodMs: 60_000 });
    expect(state?.recent).toHaveLength(RATE_LIMIT_RECENT_IDS);
    expect(state?.buckets).toEqual([[1_000, RATE_LIMIT_RECENT_IDS + 2]]);
  });

  it("keeps the state bounded with limit 100000", () => {
    const config = { limit: 100_000, periodMs: 60 * 60_000 };
    let state: RateLimitState | undefined;
    let admitted = 0;
    for (let i = 0; i < 200_000; i++) {
      // 200,000 events spread over two hours: every bucket gets some, the limit is reached.
      const decision = admitRateLimited(state, i * 36, config, `01HZZZZZZZZZZZZZZZZZ${String(i).padStart(6, "0")}`);
      if (!decision.admitted) continue;
      state = decision.next;
      admitted++;
    }
    expect(admitted).toBeGreaterThan(100_000);
    expect(state?.buckets.length).toBeLessThanOrEqual(RATE_LIMIT_MAX_BUCKETS + 1);
    expect(state?.recent).toHaveLength(RATE_LIMIT_RECENT_IDS);
    expect(JSON.stringify(state).length).toBeLessThan(4_096);
  });

  it("reads a window stored by the old sliding-window log", () => {
    const legacy = { accepted: [100, 200] } as unknown as RateLimitState;
    expect(admitRateLimited(legacy, 300, { limit: 2, periodMs: 60_000 }, "c").admitted).toBe(false);
    expect(admitRateLimited(legacy, 300, { limit: 3, periodMs: 60_000 }, "c")).toEqual({ admitted: true, next: { buckets: [[1_000, 3]], recent: ["c"] } });
  });

  it("property: no window of one period holds more than the limit; a skip means the limit was reached within one bucket more", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 30 })), { maxLength: 150 }),
        (limit, periodMs, steps) => {
          const width = rateLimitBucketMs(periodMs);
          let state: RateLimitState | undefined;
          let now = 0;
          const admitted: number[] = [];
          for (const [gap, idNumber] of steps) {
            now += gap;
            const id = `e${idNumber}`;
            // A remembered id is admitted without being counted: only the others take capacity.
            const redelivered = state?.recent.includes(id) ?? false;
            const decision = admitRateLimited(state, now, { limit, periodMs }, id);
            if (decision.admitted) {
              state = decision.next;
              if (!redelivered) admitted.push(now);
            } else {
              const recentlyAdmitted = admitted.filter((at) => at > now - periodMs - width).length;
              expect(recentlyAdmitted).toBeGreaterThanOrEqual(limit);
              expect(decision.retryAt).toBeGreaterThan(now);
            }
          }
          for (const t of admitted) expect(admitted.filter((a) => a >= t && a < t + periodMs).length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 300 },
    );
  });
});
