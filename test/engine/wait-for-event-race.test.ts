import type { ServeResponse } from "@ferry/sdk";
import { startInProcessFerry, type InProcessFerry } from "../support/in-process-ferry";

/**
 * The waitForEvent race: the event arrives after the SDK answered with the `WaitForEvent` op but
 * before the engine stored the wait. The engine must still resume the run with that event.
 */
describe("waitForEvent race", () => {
  let ferry: InProcessFerry;
  let injectOnce: ((response: ServeResponse) => Promise<void>) | undefined;

  beforeEach(async () => {
    injectOnce = undefined;
    ferry = await startInProcessFerry(
      (client) => [
        client.createFunction({ id: "approval" }, { event: "race/requested" }, async ({ step }) => {
          const approved = await step.waitForEvent("wait-for-approval", { event: "race/approved", timeout: "1h", match: "data.id" });
          return approved ? `approved by ${approved.data.by}` : null;
        }),
      ],
      {
        afterCall: async (_body, response) => {
          const inject = injectOnce;
          if (inject && response.body.includes("WaitForEvent")) {
            injectOnce = undefined;
            await inject(response);
          }
        },
      },
    );
  });
  afterEach(() => ferry.close());

  const runOf = async (eventId: string) => (await ferry.engine.deps.runs.listRunsByEvent(eventId))[0];

  it("resumes the run with an event that arrived between the WaitForEvent op and the stored wait", async () => {
    let racedEvent: string | undefined;
    injectOnce = async () => {
      [racedEvent] = await ferry.send({ name: "race/approved", data: { id: "r1", by: "alice" } });
      // The event is stored and routed now, while no wait exists yet.
      expect(await ferry.engine.deps.waits.listWaitsByEvent("race/approved")).toEqual([]);
    };
    const [trigger] = await ferry.send({ name: "race/requested", data: { id: "r1" } });
    await ferry.idle();
    expect(racedEvent).toBeDefined();
    const run = await runOf(trigger as string);
    expect(run).toMatchObject({ status: "Completed", output: "approved by alice" });
    expect(await ferry.engine.deps.waits.listWaitsByEvent("race/approved")).toEqual([]);
  });

  it("does not match an event that arrived before the run asked for it (by more than the clock skew allowed)", async () => {
    await ferry.send({ name: "race/approved", data: { id: "r2", by: "too-early" } });
    await ferry.advance(ferry.engine.deps.settings.clockSkewMs + 1);
    const [trigger] = await ferry.send({ name: "race/requested", data: { id: "r2" } });
    await ferry.idle();
    expect((await runOf(trigger as string))?.status).toBe("Running");
    await ferry.advance(60 * 60_000);
    expect(await runOf(trigger as string)).toMatchObject({ status: "Completed", output: null });
  });

  it("resumes exactly once when the raced event and a live event both match", async () => {
    injectOnce = async () => {
      await ferry.send({ name: "race/approved", data: { id: "r3", by: "first" } });
    };
    const [trigger] = await ferry.send({ name: "race/requested", data: { id: "r3" } });
    await ferry.send({ name: "race/approved", data: { id: "r3", by: "second" } });
    await ferry.idle();
    const run = await runOf(trigger as string);
    expect(run?.status).toBe("Completed");
    const steps = await ferry.engine.deps.runs.listSteps(run?.id as string);
    expect(steps.filter((step) => step.kind === "wait")).toHaveLength(1);
    // Both arrived before the wait was stored; the look-back takes the earliest, and only once.
    expect(["approved by first", "approved by second"]).toContain(run?.output);
    expect(await ferry.engine.deps.waits.listWaitsByEvent("race/approved")).toEqual([]);
  });
});
