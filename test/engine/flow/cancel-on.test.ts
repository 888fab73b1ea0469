import type { CancelOn } from "@ferry/sdk";
import type { VirtualClock } from "../../../core";
import { startInProcessFerry, type InProcessFerry } from "../../support/in-process-ferry";
import { eventsNamed, onlyRun, shutdown, tick, tickUntil, until, work } from "./flow-kit";

/**
 * `cancelOn` on the real engine and a virtual clock: a matching event cancels a sleeping or
 * waiting run (`Cancelled`, `inngest/function.cancelled` emitted); a non-matching one does not;
 * `match` and `if` compare the trigger with the incoming event; a step already executing
 * finishes but no later step runs; after the entry's `timeout` the event no longer cancels.
 */
describe("flow control: cancelOn", () => {
  let ferry!: InProcessFerry;
  let clock!: VirtualClock;
  let bodies: string[];

  afterEach(() => shutdown(ferry));

  /** A fulfilment: step `pack` (taking `packMs`), then a 1 h sleep or a 1 h wait, then step `ship`. */
  async function start(cancelOn: CancelOn[], options: { packMs?: number; pause?: "sleep" | "wait" } = {}): Promise<void> {
    bodies = [];
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "fulfil", cancelOn }, { event: "co/order" }, async ({ event, step }) => {
        await step.run("pack", async () => {
          bodies.push(`pack:${event.data.orderId}`);
          if (options.packMs) await work(clock, options.packMs);
          bodies.push(`packed:${event.data.orderId}`);
        });
        if (options.pause === "wait") await step.waitForEvent("await-pickup", { event: "co/pickup", timeout: "1h" });
        else await step.sleep("settle", "1h");
        await step.run("ship", () => bodies.push(`ship:${event.data.orderId}`));
        return "shipped";
      }),
    ]);
    clock = ferry.clock;
  }

  async function order(orderId: string): Promise<string> {
    const [id] = await ferry.send({ name: "co/order", data: { orderId } });
    return id as string;
  }

  const status = async (eventId: string) => (await onlyRun(ferry, eventId)).status;

  it("cancels a sleeping run on a matching event, and not on a non-matching one", async () => {
    await start([{ event: "co/cancelled", match: "data.orderId" }]);
    const trigger = await order("o1");
    await ferry.idle();
    expect((await onlyRun(ferry, trigger)).waiting?.type).toBe("sleeping");

    await ferry.send({ name: "co/cancelled", data: { orderId: "other" } });
    await ferry.send({ name: "co/unrelated", data: { orderId: "o1" } });
    await ferry.idle();
    expect(await status(trigger)).toBe("Running");

    await ferry.send({ name: "co/cancelled", data: { orderId: "o1" } });
    await ferry.idle();
    const run = await onlyRun(ferry, trigger);
    expect(run.status).toBe("Cancelled");
    expect(await eventsNamed(ferry, "inngest/function.cancelled")).toEqual([expect.objectContaining({ function_id: "app-fulfil", run_id: run.id })]);
    await ferry.advance(2 * 60 * 60_000);
    expect(bodies).toEqual(["pack:o1", "packed:o1"]);
    expect(await status(trigger)).toBe("Cancelled");
  });

  it("cancels a run waiting for an event", async () => {
    await start([{ event: "co/cancelled", match: "data.orderId" }], { pause: "wait" });
    const trigger = await order("o2");
    await ferry.idle();
    expect((await onlyRun(ferry, trigger)).waiting?.type).toBe("waiting-for-event");
    await ferry.send({ name: "co/cancelled", data: { orderId: "o2" } });
    await ferry.idle();
    expect(await status(trigger)).toBe("Cancelled");
    // The wait is gone: the awaited event no longer resumes it.
    await ferry.send({ name: "co/pickup", data: { orderId: "o2" } });
    await ferry.advance(2 * 60 * 60_000);
    expect(bodies).toEqual(["pack:o2", "packed:o2"]);
  });

  it("applies an if expression over event (the trigger) and async (the incoming event)", async () => {
    await start([{ event: "co/stop", if: "async.data.force == true && event.data.orderId == async.data.orderId" }]);
    const trigger = await order("o3");
    await ferry.idle();
    await ferry.send({ name: "co/stop", data: { orderId: "o3", force: false } });
    await ferry.send({ name: "co/stop", data: { orderId: "o4", force: true } });
    await ferry.idle();
    expect(await status(trigger)).toBe("Running");
    await ferry.send({ name: "co/stop", data: { orderId: "o3", force: true } });
    await ferry.idle();
    expect(await status(trigger)).toBe("Cancelled");
  });

  it("lets an executing step finish but runs no later step", async () => {
    await start([{ event: "co/cancelled", match: "data.orderId" }], { packMs: 5000 });
    const trigger = await order("o5");
    await until(() => bodies.includes("pack:o5"), "pack started");
    await ferry.send({ name: "co/cancelled", data: { orderId: "o5" } });
    await tick(clock, 0);
    expect(await status(trigger)).toBe("Cancelled");
    expect(bodies).toEqual(["pack:o5"]);
    await tickUntil(clock, 1000, () => bodies.includes("packed:o5"), "pack finished", 10);
    await ferry.idle();
    await ferry.advance(2 * 60 * 60_000);
    expect(bodies).toEqual(["pack:o5", "packed:o5"]);
    const run = await onlyRun(ferry, trigger);
    expect(run.status).toBe("Cancelled");
    expect(run.output).toBeUndefined();
  });

  it("stops cancelling once the entry's timeout has passed", async () => {
    await start([{ event: "co/cancelled", match: "data.orderId", timeout: "10m" }]);
    const early = await order("early");
    const late = await order("late");
    await ferry.idle();
    await ferry.advance(10 * 60_000 - 1);
    await ferry.send({ name: "co/cancelled", data: { orderId: "early" } });
    await ferry.idle();
    expect(await status(early)).toBe("Cancelled");
    await ferry.advance(1);
    await ferry.send({ name: "co/cancelled", data: { orderId: "late" } });
    await ferry.idle();
    expect(await status(late)).toBe("Running");
    await ferry.advance(60 * 60_000);
    expect(await status(late)).toBe("Completed");
    expect(bodies).toContain("ship:late");
  });
});
