import type { VirtualClock } from "../../../core";
import { eventOutcomes } from "../../../core";
import { startInProcessFerry, type InProcessFerry } from "../../support/in-process-ferry";
import { eventsNamed, onlyRun, runsOfEvent, shutdown, tick, tickUntil, until, work } from "./flow-kit";

/**
 * `singleton` on the real engine and a virtual clock: one active run per key. `skip` skips new
 * events while a run is active (reason `singleton-running`) and runs again once it ended;
 * `cancel` cancels the active run (emitting `inngest/function.cancelled`) for the new one.
 */
describe("flow control: singleton", () => {
  let ferry!: InProcessFerry;
  let clock!: VirtualClock;
  let bodies: string[];

  afterEach(() => shutdown(ferry));

  async function start(mode: "skip" | "cancel", key?: string): Promise<void> {
    bodies = [];
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "rebuild", singleton: { mode, key } }, { event: "sg/rebuild" }, async ({ event, step }) => {
        await step.run("build", async () => {
          bodies.push(`build:${event.data.n}`);
          await work(clock, 1000);
        });
        await step.sleep("cool-down", "1m");
        await step.run("publish", () => bodies.push(`publish:${event.data.n}`));
        return event.data.n;
      }),
    ]);
    clock = ferry.clock;
  }

  async function send(data: Record<string, unknown>): Promise<string> {
    const [id] = await ferry.send({ name: "sg/rebuild", data });
    await until(async () => (await runsOfEvent(ferry, id)).length > 0 || ((await eventOutcomes(ferry.engine.deps, id as string))?.skipped.length ?? 0) > 0, "event handled");
    return id as string;
  }

  it("mode skip: skips events while a run is active, then runs again once it ended", async () => {
    await start("skip");
    const first = await send({ n: 1 });
    const second = await send({ n: 2 });
    expect(await runsOfEvent(ferry, second)).toEqual([]);
    expect((await eventOutcomes(ferry.engine.deps, second))?.skipped).toEqual([{ function_id: "app-rebuild", reason: "singleton-running", at: expect.any(String), key: "" }]);
    // Still active while sleeping: skipped too.
    await tickUntil(clock, 1000, async () => (await onlyRun(ferry, first)).waiting?.type === "sleeping", "first cooling down", 3);
    const third = await send({ n: 3 });
    expect((await eventOutcomes(ferry.engine.deps, third))?.skipped).toMatchObject([{ reason: "singleton-running" }]);

    await tickUntil(clock, 1000, async () => (await onlyRun(ferry, first)).status === "Completed", "first completed", 100);
    const fourth = await send({ n: 4 });
    await tickUntil(clock, 1000, async () => (await onlyRun(ferry, fourth)).status === "Completed", "fourth completed", 100);
    expect(bodies).toEqual(["build:1", "publish:1", "build:4", "publish:4"]);
  });

  it("mode skip: different keys run side by side", async () => {
    await start("skip", "event.data.tenant");
    const a = await send({ n: 1, tenant: "a" });
    const b = await send({ n: 2, tenant: "b" });
    const a2 = await send({ n: 3, tenant: "a" });
    expect(await runsOfEvent(ferry, a)).toHaveLength(1);
    expect(await runsOfEvent(ferry, b)).toHaveLength(1);
    expect((await eventOutcomes(ferry.engine.deps, a2))?.skipped).toMatchObject([{ reason: "singleton-running", key: "a" }]);
  });

  it("mode cancel: cancels the active run, emits inngest/function.cancelled and runs the new one", async () => {
    await start("cancel");
    const first = await send({ n: 1 });
    await tickUntil(clock, 1000, async () => (await onlyRun(ferry, first)).waiting?.type === "sleeping", "first cooling down", 3);
    const second = await send({ n: 2 });
    const cancelled = await onlyRun(ferry, first);
    expect(cancelled.status).toBe("Cancelled");
    const notices = await eventsNamed(ferry, "inngest/function.cancelled");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ function_id: "app-rebuild", run_id: cancelled.id });

    await tickUntil(clock, 1000, async () => (await onlyRun(ferry, second)).status === "Completed", "second completed", 100);
    await tick(clock, 120_000);
    // The cancelled run never published; the new one did.
    expect(bodies).toEqual(["build:1", "build:2", "publish:2"]);
    expect((await onlyRun(ferry, first)).status).toBe("Cancelled");
    expect(await eventOutcomes(ferry.engine.deps, second)).toEqual({ matched: [expect.any(String)], skipped: [], pending: [] });
  });
});
