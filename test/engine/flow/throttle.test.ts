import { toRunView } from "../../../core";
import type { FunctionConfig } from "@ferry/sdk";
import { startInProcessFerry, T0, type InProcessFerry } from "../../support/in-process-ferry";
import { onlyRun, runsOf, shutdown } from "./flow-kit";

/**
 * `throttle` on the real engine and a virtual clock: starts beyond `limit` per `period` (plus
 * `burst`) are delayed, never dropped, in arrival order; no window shorter than `period` holds
 * more than `limit + burst` starts; keys throttle independently; a delayed run shows
 * `waiting: {type: "throttled", until}`.
 */
describe("flow control: throttle", () => {
  let ferry!: InProcessFerry;
  /** Virtual start time of each run's first step, by `event.data.n`, in the order they started. */
  let starts: { n: number; key: string; at: number }[];

  afterEach(() => shutdown(ferry));

  async function start(config: FunctionConfig): Promise<void> {
    starts = [];
    ferry = await startInProcessFerry((client) => [
      client.createFunction(config, { event: "thr/go" }, async ({ event, step }) =>
        step.run("start", () => {
          starts.push({ n: Number(event.data.n), key: String(event.data.partner ?? ""), at: ferry.clock.now() - T0 });
          return event.data.n;
        }),
      ),
    ]);
  }

  /** Advances second by second for `ms`, so every reserved start fires at its exact time. */
  async function advanceBySeconds(ms: number): Promise<void> {
    await ferry.idle();
    for (let t = 0; t < ms; t += 1000) await ferry.advance(1000);
  }

  /** The largest number of starts in any window [s, s + period) opened at a start. */
  function busiestWindow(times: number[], periodMs: number): number {
    return Math.max(...times.map((s) => times.filter((t) => t >= s && t < s + periodMs).length));
  }

  it("delays excess starts in arrival order instead of dropping them", async () => {
    await start({ id: "throttled", throttle: { limit: 2, period: "10s" } });
    const ids = await ferry.send([1, 2, 3, 4, 5].map((n) => ({ name: "thr/go", data: { n } })));
    await ferry.idle();
    expect(starts.map((s) => s.n)).toEqual([1]);
    await advanceBySeconds(30_000);
    // One start every period / limit = 5 s, first come first served, none lost.
    expect(starts).toEqual([0, 5000, 10_000, 15_000, 20_000].map((at, i) => ({ n: i + 1, key: "", at })));
    for (const id of ids) expect((await onlyRun(ferry, id)).status).toBe("Completed");
    expect(busiestWindow(starts.map((s) => s.at), 10_000)).toBeLessThanOrEqual(2);
  });

  it("shows a delayed run as waiting: throttled until its start", async () => {
    await start({ id: "shown", throttle: { limit: 1, period: "1m" } });
    const [, second] = await ferry.send([1, 2].map((n) => ({ name: "thr/go", data: { n } })));
    await ferry.idle();
    const run = await onlyRun(ferry, second);
    expect(run.startedAt).toBeUndefined();
    expect(toRunView(run).waiting).toEqual({ type: "throttled", until: new Date(T0 + 60_000).toISOString() });
    await ferry.advance(59_999);
    expect(starts).toHaveLength(1);
    await ferry.advance(1);
    expect(starts.map((s) => s.at)).toEqual([0, 60_000]);
    const started = await onlyRun(ferry, second);
    expect(started.status).toBe("Completed");
    expect(started.startedAt).toBe(T0 + 60_000);
  });

  it("lets a burst through at once but never more than limit + burst per period", async () => {
    await start({ id: "bursty", throttle: { limit: 2, period: "10s", burst: 1 } });
    await ferry.send([1, 2, 3, 4, 5, 6].map((n) => ({ name: "thr/go", data: { n } })));
    await advanceBySeconds(30_000);
    const times = starts.map((s) => s.at);
    expect(starts.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(times.slice(0, 2)).toEqual([0, 0]);
    expect(busiestWindow(times, 10_000)).toBe(3);
    // Long-run rate is still `limit` per period: the sixth start is 20 s after the burst.
    expect(times[5]).toBe(20_000);
  });

  it("starts at once again after a quiet period", async () => {
    await start({ id: "quiet", throttle: { limit: 1, period: "10s" } });
    await ferry.send({ name: "thr/go", data: { n: 1 } });
    await ferry.idle();
    await ferry.advance(25_000);
    await ferry.send({ name: "thr/go", data: { n: 2 } });
    await ferry.idle();
    expect(starts.map((s) => s.at)).toEqual([0, 25_000]);
  });

  it("throttles each key on its own schedule", async () => {
    await start({ id: "per-partner", throttle: { limit: 1, period: "10s", key: "event.data.partner" } });
    await ferry.send([
      { name: "thr/go", data: { n: 1, partner: "a" } },
      { name: "thr/go", data: { n: 2, partner: "a" } },
      { name: "thr/go", data: { n: 3, partner: "b" } },
      { name: "thr/go", data: { n: 4, partner: "a" } },
    ]);
    await advanceBySeconds(30_000);
    expect(starts.filter((s) => s.key === "a").map((s) => s.at)).toEqual([0, 10_000, 20_000]);
    expect(starts.filter((s) => s.key === "b").map((s) => s.at)).toEqual([0]);
    expect((await runsOf(ferry, "per-partner")).every((run) => run.status === "Completed")).toBe(true);
  });
});
