/**
 * Property tests of `throttle` on the real engine (in-process, virtual clock). Throttle is GCRA
 * with reservations (core/flow/throttle-math.ts): interval I = period / limit, tolerance
 * τ = burst × I, each start reserves the next slot. Over random event streams:
 *
 * - no window [t, t + period) holds more than `limit + burst` run starts per key (a start is the
 *   first call of the run, recorded in virtual ms inside the handler);
 * - nothing is dropped: every event gets exactly one run, and it completes;
 * - delayed starts keep arrival order per key and never happen before the event arrived;
 * - an event that finds the key's bucket idle starts at once.
 */
import fc from "fast-check";
import type { Ferry } from "@ferry/sdk";
import { allRuns } from "../../support/listings";
import { busiestWindow, groupBy, propertyParams, withSim, type StepSleeper, type TimedEvent } from "./flow-sim";

const gap = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 1_500 }) });

describe("throttle (property, in-process engine)", () => {
  it("never more than limit + burst starts in any window of one period, FIFO, none dropped", async () => {
    const config = fc.record({
      limit: fc.integer({ min: 1, max: 3 }),
      burst: fc.integer({ min: 0, max: 2 }),
      periodMs: fc.constantFrom(1_000, 2_000, 3_000, 5_000),
      keyed: fc.boolean(),
    });
    const stream = fc.array(fc.record({ gap, k: fc.constantFrom("a", "b"), d: fc.integer({ min: 0, max: 2_000 }) }), { minLength: 1, maxLength: 40, size: "max" });
    await fc.assert(
      fc.asyncProperty(config, stream, async ({ limit, burst, periodMs, keyed }, items) => {
        const starts = new Map<string, number>();
        const build = (client: Ferry, sleeper: StepSleeper) => [
          client.createFunction(
            { id: "throttled", throttle: { limit, burst, period: `${periodMs}ms`, ...(keyed ? { key: "event.data.k" } : {}) } },
            { event: "throttle/event" },
            async ({ event, step, runId }) => {
              if (!starts.has(runId)) starts.set(runId, sleeper.now());
              await step.run("work", () => sleeper.sleep(Number(event.data.d)));
              return "done";
            },
          ),
        ];
        const events: TimedEvent[] = items.map(({ gap: g, k, d }) => ({ gap: g, name: "throttle/event", data: { k, d } }));
        await withSim(build, async (sim) => {
          const sent = await sim.play(events);
          const { runs } = sim.ferry.engine.deps;
          await sim.drain(async () => (await allRuns(runs)).filter((run) => run.status === "Completed").length === sent.length);
          expect(sim.problems).toEqual([]);

          const startOf = new Map<string, number>();
          for (const event of sent) {
            const eventRuns = await runs.listRunsByEvent(event.id);
            expect(eventRuns).toHaveLength(1);
            const run = eventRuns[0];
            expect(run?.status).toBe("Completed");
            const start = starts.get(run?.id ?? "");
            expect(start).toBeDefined();
            expect(run?.startedAt).toBe(start);
            startOf.set(event.id, start as number);
          }
          const buckets = groupBy(sent, (event) => (keyed ? String(event.data.k) : ""));
          for (const [key, bucket] of buckets) {
            const times = bucket.map((event) => startOf.get(event.id) as number);
            const busiest = busiestWindow(times, periodMs);
            expect({ key, busiest, ok: busiest <= limit + burst }).toEqual({ key, busiest, ok: true });
            let previous = -Infinity;
            for (const [i, event] of bucket.entries()) {
              const start = times[i] as number;
              expect(start).toBeGreaterThanOrEqual(event.at); // never before the event
              expect(start).toBeGreaterThanOrEqual(previous); // arrival order
              previous = start;
            }
          }
        });
      }),
      propertyParams(20),
    );
  }, 60_000);

  it("matches the GCRA reference: each start is exactly when the reservation model says", async () => {
    const config = fc.record({
      limit: fc.integer({ min: 1, max: 4 }),
      burst: fc.integer({ min: 0, max: 2 }),
      periodMs: fc.constantFrom(1_000, 3_000, 7_000),
    });
    const stream = fc.array(fc.record({ gap }), { minLength: 1, maxLength: 30, size: "max" });
    await fc.assert(
      fc.asyncProperty(config, stream, async ({ limit, burst, periodMs }, items) => {
        const starts = new Map<string, number>();
        const build = (client: Ferry, sleeper: StepSleeper) => [
          client.createFunction({ id: "gcra", throttle: { limit, burst, period: `${periodMs}ms` } }, { event: "throttle/gcra" }, async ({ runId }) => {
            if (!starts.has(runId)) starts.set(runId, sleeper.now());
            return "done";
          }),
        ];
        await withSim(build, async (sim) => {
          const sent = await sim.play(items.map(({ gap: g }) => ({ gap: g, name: "throttle/gcra", data: {} })));
          await sim.drain();
          // The reservation model of throttle-math.ts, replayed over the send times: the engine
          // must start each run exactly at its reserved slot (not later, not earlier).
          const interval = periodMs / limit;
          let tat: number | undefined;
          for (const event of sent) {
            const base = Math.max(tat ?? event.at, event.at);
            const expected = Math.max(event.at, Math.ceil(base - burst * interval));
            tat = Math.max(base, expected) + interval;
            const [run] = await sim.ferry.engine.deps.runs.listRunsByEvent(event.id);
            expect({ event: event.index, start: starts.get(run?.id ?? "") }).toEqual({ event: event.index, start: expected });
          }
        });
      }),
      propertyParams(15),
    );
  }, 60_000);
});
