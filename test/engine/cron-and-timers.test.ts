import { startInProcessFerry, T0, type InProcessFerry } from "../support/in-process-ferry";

/**
 * Timer-driven features on the virtual clock: cron triggers fire from the timer queue at each
 * schedule point (once each), `step.sleepUntil` wakes at its date, and an invoke that outlives
 * its timeout fails the parent's step.
 */
describe("cron triggers, sleepUntil and invoke timeouts", () => {
  let ferry: InProcessFerry;

  beforeEach(async () => {
    ferry = await startInProcessFerry((client) => {
      const slowChild = client.createFunction({ id: "slow-child" }, { event: "test/slow-child" }, async ({ step }) => {
        await step.sleep("take-a-while", "2h");
        return "late";
      });
      return [
        client.createFunction({ id: "every-five-minutes" }, { cron: "*/5 * * * *" }, async ({ event }) => event.name),
        client.createFunction({ id: "until" }, { event: "test/until" }, async ({ event, step }) => {
          await step.sleepUntil("until-date", event.data.at as string);
          return "woke";
        }),
        slowChild,
        client.createFunction({ id: "impatient-parent" }, { event: "test/impatient" }, async ({ step }) => {
          try {
            return await step.invoke("call-slow-child", { function: slowChild, data: {}, timeout: "1h" });
          } catch (error) {
            return { failed: (error as Error).message };
          }
        }),
      ];
    });
  });
  afterEach(() => ferry.close());

  const runsOf = async (functionId: string) => (await ferry.engine.deps.runs.listRuns({ limit: 1000 })).items.filter((run) => run.functionId === functionId);

  it("fires a cron function at each schedule point, once each", async () => {
    await ferry.advance(4 * 60_000 + 59_999); // T0 is on a 5-minute boundary: nothing due before T0 + 5 min
    expect(await runsOf("app-every-five-minutes")).toHaveLength(0);
    await ferry.advance(1);
    await ferry.advance(5 * 60_000);
    await ferry.advance(5 * 60_000);
    const runs = await runsOf("app-every-five-minutes");
    expect(runs).toHaveLength(3);
    expect(runs.every((run) => run.status === "Completed" && run.output === "inngest/scheduled.timer")).toBe(true);
    expect(runs.map((run) => run.createdAt - T0).sort((a, b) => a - b)).toEqual([5, 10, 15].map((m) => m * 60_000));
  });

  it("collapses schedule points missed while the engine was not running into one catch-up run", async () => {
    await ferry.advance(5 * 60_000);
    await ferry.advance(60 * 60_000); // as if the dev server had been stopped for an hour
    const runs = await runsOf("app-every-five-minutes");
    expect(runs).toHaveLength(2);
    await ferry.advance(5 * 60_000);
    expect(await runsOf("app-every-five-minutes")).toHaveLength(3);
  });

  it("wakes step.sleepUntil at its date and not before", async () => {
    const at = new Date(T0 + 3 * 3_600_000).toISOString();
    const [eventId] = await ferry.send({ name: "test/until", data: { at } });
    await ferry.idle();
    await ferry.advance(3 * 3_600_000 - 1);
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(eventId as string);
    expect(run?.status).toBe("Running");
    await ferry.advance(1);
    expect((await ferry.engine.deps.runs.getRun(run?.id as string))?.output).toBe("woke");
  });

  it("fails an invoke that outlives its timeout, and the parent can handle it", async () => {
    const [eventId] = await ferry.send({ name: "test/impatient", data: {} });
    await ferry.idle();
    await ferry.advance(3_600_000);
    const [parent] = await ferry.engine.deps.runs.listRunsByEvent(eventId as string);
    expect(parent).toMatchObject({ status: "Completed", output: { failed: expect.stringMatching(/timed out/i) } });
  });
});
