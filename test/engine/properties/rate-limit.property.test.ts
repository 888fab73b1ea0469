/**
 * Property tests of `rateLimit` on the real engine (in-process, virtual clock). The rate limit
 * counts accepted events in fixed buckets (core/flow/rate-limit-math.ts): an event at `now` is
 * admitted when the buckets overlapping (now - period, now] hold fewer than `limit`, a partly
 * overlapping bucket counting whole. Over random event streams (send times on a coarse grid so
 * window edges are hit exactly, events without the key field sharing the empty-key bucket):
 *
 * - no window [t, t + period) holds more than `limit` runs per key;
 * - every event not run is recorded as a skip with reason "rate-limited", and no event is both;
 * - nothing is skipped needlessly: a skipped event saw `limit` runs of its key within one
 *   period plus one bucket width before it.
 */
import fc from "fast-check";
import type { Ferry } from "@ferry/sdk";
import { rateLimitBucketMs } from "../../../core/flow/rate-limit-math";
import { busiestWindow, groupBy, propertyParams, withSim, type SentEvent, type TimedEvent } from "./flow-sim";

describe("rateLimit (property, in-process engine)", () => {
  it("never more than limit runs per key in any window of one period; the rest are rate-limited skips", async () => {
    const config = fc.record({ limit: fc.integer({ min: 1, max: 3 }), periodMs: fc.constantFrom(1_000, 2_000, 5_000) });
    const event = fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }).map((n) => n * 250)),
      k: fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined, freq: 5 }),
    });
    const stream = fc.array(event, { minLength: 1, maxLength: 40, size: "max" });
    await fc.assert(
      fc.asyncProperty(config, stream, async ({ limit, periodMs }, items) => {
        const build = (client: Ferry) => [
          client.createFunction({ id: "limited", rateLimit: { limit, period: `${periodMs}ms`, key: "event.data.k" } }, { event: "rate/event" }, async () => "done"),
        ];
        const events: TimedEvent[] = items.map(({ gap, k }) => ({ gap, name: "rate/event", data: k === undefined ? {} : { k } }));
        await withSim(build, async (sim) => {
          const sent = await sim.play(events);
          await sim.drain();
          expect(sim.problems).toEqual([]);
          const { runs, skips } = sim.ferry.engine.deps;
          const keyOf = (e: SentEvent) => (e.data.k === undefined ? "" : String(e.data.k));

          const ran = new Map<string, number>();
          for (const e of sent) {
            const eventRuns = await runs.listRunsByEvent(e.id);
            const eventSkips = (await skips.listSkipsByEvent(e.id)).filter((skip) => skip.functionId === "app-limited");
            // exactly one outcome per event
            expect({ event: e.index, outcomes: eventRuns.length + eventSkips.length }).toEqual({ event: e.index, outcomes: 1 });
            for (const skip of eventSkips) expect(skip).toMatchObject({ reason: "rate-limited", key: keyOf(e), at: e.at });
            for (const run of eventRuns) {
              expect(run.status).toBe("Completed");
              ran.set(e.id, run.createdAt);
            }
          }
          for (const [key, bucket] of groupBy(sent, keyOf)) {
            const times = bucket.filter((e) => ran.has(e.id)).map((e) => ran.get(e.id) as number);
            const busiest = busiestWindow(times, periodMs);
            expect({ key, busiest, ok: busiest <= limit }).toEqual({ key, busiest, ok: true });
          }
          // Conservative by at most one bucket: the window a skip looked at is at most one width longer.
          const width = rateLimitBucketMs(periodMs);
          for (const e of sent.filter((s) => !ran.has(s.id))) {
            const runsBefore = sent.filter((s) => keyOf(s) === keyOf(e) && ran.has(s.id)).map((s) => ran.get(s.id) as number);
            const seen = runsBefore.filter((at) => at > e.at - periodMs - width && at <= e.at).length;
            expect({ event: e.index, seen, full: seen >= limit }).toEqual({ event: e.index, seen, full: true });
          }
          expect((await skips.listSkipsByFunction("app-limited", 10_000)).length).toBe(sent.length - ran.size);
        });
      }),
      propertyParams(25),
    );
  }, 60_000);
});
