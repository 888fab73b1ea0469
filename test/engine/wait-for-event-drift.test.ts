import type { ServeResponse } from "@ferry/sdk";
import type { EngineSettings } from "../../core";
import { driftingHandler, type DriftOptions } from "../support/distributed-deps";
import { startInProcessFerry, type InProcessFerry } from "../support/in-process-ferry";

/**
 * The waitForEvent race as it plays out on AWS: the call that produced the wait and the request
 * that accepted the event run on machines whose clocks disagree by seconds, and index reads lag
 * behind writes. The event arrives after the SDK answered with `WaitForEvent` and before the wait
 * is stored; the run must still resume with it, exactly once.
 */
describe("waitForEvent race across machines (skewed clocks, lagging indexes)", () => {
  let ferry: InProcessFerry | undefined;
  afterEach(async () => {
    await ferry?.close();
    ferry = undefined;
  });

  async function race(drift: DriftOptions, settings: Partial<EngineSettings> = {}): Promise<unknown> {
    let inject: (() => Promise<void>) | undefined;
    const started = await startInProcessFerry(
      (client) => [
        client.createFunction({ id: "approval" }, { event: "race/requested" }, async ({ step }) => {
          const approved = await step.waitForEvent("wait-for-approval", { event: "race/approved", timeout: "1h", match: "data.id" });
          return approved ? `approved by ${approved.data.by}` : "timed out";
        }),
      ],
      {
        handle: driftingHandler(drift),
        settings,
        afterCall: async (_body: string, response: ServeResponse) => {
          const once = inject;
          if (once && response.body.includes("WaitForEvent")) {
            inject = undefined;
            await once();
          }
        },
      },
    );
    ferry = started;
    inject = async () => {
      const [id] = await started.send({ name: "race/approved", data: { id: "r1", by: "alice" } });
      // Routed now (the call that answered is still in flight, so idle() would wait for it), while no wait is stored yet.
      await routed(started, id as string);
      expect(await started.engine.deps.waits.listWaitsByEvent("race/approved")).toEqual([]);
    };
    const [trigger] = await started.send({ name: "race/requested", data: { id: "r1" } });
    await started.idle();
    await started.advance(61 * 60_000);
    const runs = await started.engine.deps.runs.listRunsByEvent(trigger as string);
    expect(runs).toHaveLength(1);
    return runs[0]?.output;
  }

  /** Waits until the route job of an event has finished. */
  async function routed(started: InProcessFerry, eventId: string): Promise<void> {
    const pending = started.engine.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE timer_id LIKE ?");
    for (let i = 0; i < 10_000 && (pending.get(`route.${eventId}%`)?.n ?? 0) > 0; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  const callsAhead = (ms: number) => (job: { type: string }) => (job.type === "call" ? ms : 0);

  it.each([
    ["the caller's clock 3 s ahead of the event API's", callsAhead(3000)],
    ["the caller's clock 3 s behind", callsAhead(-3000)],
    ["routing 4 s ahead, the caller 1 s behind", (job: { type: string }) => (job.type === "route" ? 4000 : job.type === "call" ? -1000 : 0)],
  ])("resumes with the raced event: %s, indexes 2 s behind", async (_what, skewMs) => {
    expect(await race({ skewMs, lagMs: 2000 })).toBe("approved by alice");
  });

  it("misses it when the look-back allows no clock skew (the allowance is what saves it)", async () => {
    expect(await race({ skewMs: callsAhead(3000), lagMs: 0 }, { clockSkewMs: 0 })).toBe("timed out");
  });

  it("misses it when waits and events are read from a lagging index (strong reads are what save it)", async () => {
    expect(await race({ skewMs: () => 0, lagMs: 2000, lagStrongReads: true })).toBe("timed out");
  });
});
