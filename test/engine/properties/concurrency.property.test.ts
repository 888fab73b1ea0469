/**
 * Property tests of `concurrency` on the real engine (in-process, virtual clock): over random
 * event streams and random step durations, the number of step bodies executing at once never
 * exceeds a limit for its key, and every run still completes (a parked step is never lost).
 *
 * In-flight steps are measured inside the step body itself: a counter per key goes up on entry
 * and down on exit, and the maximum is recorded. A step body sleeps a random amount of virtual
 * time, so the engine holds the concurrency slot across clock movements.
 */
import fc from "fast-check";
import type { Ferry } from "@ferry/sdk";
import type { RunRecord } from "../../../core";
import { allRuns as everyRun } from "../../support/listings";
import { propertyParams, T0, withSim, type Sim, type StepSleeper, type TimedEvent } from "./flow-sim";

/** Counts step bodies in flight per key and remembers the maximum. */
class InFlight {
  private readonly current = new Map<string, number>();
  readonly max = new Map<string, number>();

  enter(keys: string[]): void {
    for (const key of keys) {
      const now = (this.current.get(key) ?? 0) + 1;
      this.current.set(key, now);
      this.max.set(key, Math.max(now, this.max.get(key) ?? 0));
    }
  }

  exit(keys: string[]): void {
    for (const key of keys) this.current.set(key, (this.current.get(key) ?? 0) - 1);
  }

  of(key: string): number {
    return this.current.get(key) ?? 0;
  }
}

/** Step executions per run id: each run's step body must run exactly once. */
type Executions = Map<string, number>;

const gap = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 1_500 }) });
const duration = fc.integer({ min: 0, max: 3_000 });

async function allRuns(sim: Sim): Promise<RunRecord[]> {
  return everyRun(sim.ferry.engine.deps.runs);
}

/**
 * Every sent event has exactly one completed run per function, whose step body ran exactly once,
 * and it ended before any lease could expire: progress never waited for the lease recheck timer
 * (which only exists for dead workers; none die here).
 */
async function expectEveryEventRanOnce(sim: Sim, sentIds: string[], functionIds: string[], executions: Executions): Promise<void> {
  const deadline = T0 + sim.ferry.engine.deps.settings.leaseMs;
  for (const id of sentIds) {
    const runs = await sim.ferry.engine.deps.runs.listRunsByEvent(id);
    expect(runs.map((run) => run.functionId).sort()).toEqual([...functionIds].sort());
    for (const run of runs) {
      expect(run.status).toBe("Completed");
      expect(executions.get(run.id)).toBe(1);
      expect({ run: run.id, beforeLeaseExpiry: (run.endedAt ?? Infinity) < deadline }).toEqual({ run: run.id, beforeLeaseExpiry: true });
    }
  }
  expect(sim.problems).toEqual([]);
}

describe("concurrency (property, in-process engine)", () => {
  it("keyed limit: in-flight steps per key never exceed the limit, every run completes, no capacity sits idle", async () => {
    const stream = fc.array(fc.record({ gap, k: fc.constantFrom("a", "b", "c"), d: duration }), { minLength: 1, maxLength: 40, size: "max" });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), stream, async (limit, items) => {
        const inFlight = new InFlight();
        const executions: Executions = new Map();
        const build = (client: Ferry, sleeper: StepSleeper) => [
          client.createFunction({ id: "conc-keyed", concurrency: { limit, key: "event.data.k" } }, { event: "conc/keyed" }, async ({ event, step, runId }) => {
            const keys = [String(event.data.k)];
            await step.run("work", async () => {
              executions.set(runId, (executions.get(runId) ?? 0) + 1);
              inFlight.enter(keys);
              await sleeper.sleep(Number(event.data.d));
              inFlight.exit(keys);
            });
            return "done";
          }),
        ];
        let sim: Sim | undefined;
        // Work conservation: whenever the engine is quiescent, a key with unfinished runs that
        // are not executing has every slot busy. (Otherwise a parked step would wait for the
        // lease recheck, minutes later, while a slot is free.)
        const onQuiescent = async () => {
          if (!sim) return;
          const open = new Map<string, number>();
          for (const run of await allRuns(sim)) {
            if (run.status !== "Running") continue;
            const key = String(run.events[0]?.data.k);
            open.set(key, (open.get(key) ?? 0) + 1);
          }
          for (const [key, count] of open) {
            if (count > inFlight.of(key)) expect({ key, busySlots: inFlight.of(key), open: count, t: sim.clock.now() }).toEqual({ key, busySlots: limit, open: count, t: sim.clock.now() });
          }
        };
        const events: TimedEvent[] = items.map(({ gap: g, k, d }) => ({ gap: g, name: "conc/keyed", data: { k, d } }));
        await withSim(
          build,
          async (started) => {
            sim = started;
            const sent = await started.play(events);
            await started.drain(async () => (await allRuns(started)).filter((run) => run.status === "Completed").length === sent.length);
            for (const [key, max] of inFlight.max) expect({ key, max, ok: max <= limit }).toEqual({ key, max, ok: true });
            await expectEveryEventRanOnce(started, sent.map((e) => e.id), ["app-conc-keyed"], executions);
          },
          { onQuiescent },
        );
      }),
      propertyParams(20),
    );
  }, 60_000);

  it("account-scoped key limit shared by two functions plus a per-function limit: neither is ever exceeded, every run completes", async () => {
    const stream = fc.array(fc.record({ gap, acct: fc.constantFrom("x", "y"), d: duration }), { minLength: 1, maxLength: 30, size: "max" });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), stream, async (accountLimit, fnLimit, items) => {
        const inFlight = new InFlight();
        const executions: Executions = new Map();
        const functionIds = ["conc-a", "conc-b"];
        const build = (client: Ferry, sleeper: StepSleeper) =>
          functionIds.map((id) =>
            client.createFunction(
              { id, concurrency: [{ scope: "account", key: "event.data.acct", limit: accountLimit }, { scope: "fn", limit: fnLimit }] },
              { event: "conc/two" },
              async ({ event, step, runId }) => {
                const keys = [`acct:${String(event.data.acct)}`, `fn:${id}`];
                await step.run("work", async () => {
                  executions.set(runId, (executions.get(runId) ?? 0) + 1);
                  inFlight.enter(keys);
                  await sleeper.sleep(Number(event.data.d));
                  inFlight.exit(keys);
                });
                return "done";
              },
            ),
          );
        const events: TimedEvent[] = items.map(({ gap: g, acct, d }) => ({ gap: g, name: "conc/two", data: { acct, d } }));
        await withSim(build, async (sim) => {
          const sent = await sim.play(events);
          await sim.drain(async () => (await allRuns(sim)).filter((run) => run.status === "Completed").length === 2 * sent.length);
          for (const [key, max] of inFlight.max) {
            const limit = key.startsWith("acct:") ? accountLimit : fnLimit;
            expect({ key, max, ok: max <= limit }).toEqual({ key, max, ok: true });
          }
          await expectEveryEventRanOnce(sim, sent.map((e) => e.id), functionIds.map((id) => `app-${id}`), executions);
        });
      }),
      propertyParams(20),
    );
  }, 60_000);

  /**
   * KNOWN BUG (found by the two-limit property with a work-conservation check; shrunk
   * counterexample: account limit 1, fn limit 1, events x(1 ms), x(0 ms) at t=0 and y(2 ms) at
   * t=1). At t=2 the run of conc-b for the second x event waits parked on `conc:account:x`
   * while both of its slots (account x, fn conc-b) are free, until t=3.
   *
   * Cause (fixed): releasing a slot wakes exactly `free` parked calls of that key. The woken
   * call (conc-a, x) was then blocked on its other key (fn conc-a) and parked there, and parkCall
   * only re-woke the key it parked on, so the freed account-x capacity was not offered to the
   * next call in that backlog. parkCall now offers free capacity on every key of the call.
   */
  it("two limits: a parked step whose slots are both free is woken (work conservation)", async () => {
    const executing = new Set<string>();
    const inFlight = new InFlight();
    const functionIds = ["conc-a", "conc-b"];
    const build = (client: Ferry, sleeper: StepSleeper) =>
      functionIds.map((id) =>
        client.createFunction(
          { id, concurrency: [{ scope: "account", key: "event.data.acct", limit: 1 }, { scope: "fn", limit: 1 }] },
          { event: "conc/two" },
          async ({ event, step, runId }) => {
            const keys = [`acct:${String(event.data.acct)}`, `fn:app-${id}`];
            await step.run("work", async () => {
              executing.add(runId);
              inFlight.enter(keys);
              await sleeper.sleep(Number(event.data.d));
              inFlight.exit(keys);
              executing.delete(runId);
            });
            return "done";
          },
        ),
      );
    let sim: Sim | undefined;
    const onQuiescent = async () => {
      if (!sim) return;
      for (const run of await allRuns(sim)) {
        if (run.status !== "Running" || executing.has(run.id)) continue;
        const account = inFlight.of(`acct:${String(run.events[0]?.data.acct)}`);
        const fn = inFlight.of(`fn:${run.functionId}`);
        const t = sim.clock.now() - T0;
        expect({ t, run: run.functionId, acct: run.events[0]?.data.acct, blocked: account >= 1 || fn >= 1 }).toEqual({ t, run: run.functionId, acct: run.events[0]?.data.acct, blocked: true });
      }
    };
    await withSim(
      build,
      async (started) => {
        sim = started;
        await started.play([
          { gap: 0, name: "conc/two", data: { acct: "x", d: 1 } },
          { gap: 0, name: "conc/two", data: { acct: "x", d: 0 } },
          { gap: 1, name: "conc/two", data: { acct: "y", d: 2 } },
        ]);
        await started.drain();
      },
      { onQuiescent },
    );
  });
});
