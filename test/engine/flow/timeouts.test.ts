import type { VirtualClock } from "../../../core";
import { startInProcessFerry, type InProcessFerry } from "../../support/in-process-ferry";
import { eventsNamed, onlyRun, runsOf, shutdown, tick, tickUntil, until, work } from "./flow-kit";

/**
 * `timeouts` on the real engine and a virtual clock: `start` cancels a run that waited too long
 * for its first call (concurrency and throttle waits count, a run that started in time is
 * untouched); `finish` cancels a run still running too long after it started, and no later
 * step runs.
 */
describe("flow control: timeouts", () => {
  let ferry!: InProcessFerry;
  let clock!: VirtualClock;
  let bodies: string[];

  beforeEach(() => {
    bodies = [];
  });
  afterEach(() => shutdown(ferry));

  it("start: cancels a run that waited too long for concurrency capacity", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "report", concurrency: 1, timeouts: { start: "10s" } }, { event: "to/report" }, async ({ event, step }) =>
        step.run("build", async () => {
          bodies.push(`build:${event.data.n}`);
          await work(clock, 60_000);
        }),
      ),
    ]);
    clock = ferry.clock;
    const [first, second] = await ferry.send([1, 2].map((n) => ({ name: "to/report", data: { n } })));
    await until(() => bodies.length === 1, "first building");
    expect((await onlyRun(ferry, second)).waiting?.type).toBe("concurrency");
    await tick(clock, 9999);
    expect((await onlyRun(ferry, second)).status).toBe("Running");
    await tick(clock, 1);
    const cancelled = await onlyRun(ferry, second);
    expect(cancelled.status).toBe("Cancelled");
    expect(cancelled.startedAt).toBeUndefined();
    expect(await eventsNamed(ferry, "inngest/function.cancelled")).toEqual([expect.objectContaining({ run_id: cancelled.id })]);
    // The first run had started in time: the start timeout does not touch it.
    await tickUntil(clock, 10_000, async () => (await onlyRun(ferry, first)).status !== "Running", "first ended", 10);
    expect((await onlyRun(ferry, first)).status).toBe("Completed");
    expect(bodies).toEqual(["build:1"]);
  });

  it("start: counts a throttle delay as waiting to start", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "slow-start", throttle: { limit: 1, period: "1m" }, timeouts: { start: "30s" } }, { event: "to/go" }, async ({ event }) => {
        bodies.push(`run:${event.data.n}`);
        return event.data.n;
      }),
    ]);
    await ferry.send([1, 2].map((n) => ({ name: "to/go", data: { n } })));
    await ferry.idle();
    await ferry.advance(30_000);
    await ferry.advance(30_000);
    expect((await runsOf(ferry, "slow-start")).map((run) => run.status)).toEqual(["Completed", "Cancelled"]);
    expect(bodies).toEqual(["run:1"]);
  });

  it("finish: cancels a run still running too long after it started", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "long", timeouts: { finish: "1m" } }, { event: "to/long" }, async ({ event, step }) => {
        await step.run("first", () => bodies.push(`first:${event.data.n}`));
        await step.sleep("nap", event.data.n === 1 ? "1h" : "30s");
        await step.run("second", () => bodies.push(`second:${event.data.n}`));
        return "done";
      }),
    ]);
    const [slow, quick] = await ferry.send([1, 2].map((n) => ({ name: "to/long", data: { n } })));
    await ferry.idle();
    await ferry.advance(59_999);
    expect((await onlyRun(ferry, slow)).status).toBe("Running");
    expect((await onlyRun(ferry, quick)).status).toBe("Completed");
    await ferry.advance(1);
    const run = await onlyRun(ferry, slow);
    expect(run.status).toBe("Cancelled");
    expect(await eventsNamed(ferry, "inngest/function.cancelled")).toEqual([expect.objectContaining({ run_id: run.id })]);
    await ferry.advance(2 * 60 * 60_000);
    expect(bodies.sort()).toEqual(["first:1", "first:2", "second:2"]);
    expect((await onlyRun(ferry, slow)).status).toBe("Cancelled");
  });
});
