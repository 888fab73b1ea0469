import type { VirtualClock } from "../../../core";
import { startInProcessFerry, T0, type InProcessFerry } from "../../support/in-process-ferry";
import { InFlight, runsOf, shutdown, tick, tickUntil, until, work } from "./flow-kit";

/**
 * `priority.run` on the real engine and a virtual clock: with concurrency 1, a run whose
 * expression gives a head start goes ahead of earlier runs waiting for capacity, but only by
 * its head start; runs without one keep arrival order.
 */
describe("flow control: priority", () => {
  let ferry!: InProcessFerry;
  let clock!: VirtualClock;
  let flight: InFlight;

  beforeEach(async () => {
    flight = new InFlight();
    ferry = await startInProcessFerry((client) => [
      client.createFunction(
        { id: "orders", concurrency: 1, priority: { run: "event.data.plan == 'enterprise' ? 60 : 0" } },
        { event: "prio/order" },
        async ({ event, step }) => step.run("process", () => flight.around(String(event.data.label), () => work(clock, 30_000))),
      ),
    ]);
    clock = ferry.clock;
  });
  afterEach(() => shutdown(ferry));

  async function order(label: string, plan = "free"): Promise<void> {
    await ferry.send({ name: "prio/order", data: { label, plan } });
    await until(async () => (await runsOf(ferry, "orders")).some((run) => run.events[0]?.data.label === label && run.waiting?.type !== "queued"), `${label} handled`);
  }

  const allDone = async () => (await runsOf(ferry, "orders")).every((run) => run.status === "Completed");

  it("starts a higher-priority run before earlier lower-priority runs waiting for capacity", async () => {
    await order("first"); // t = 0, takes the only slot for 30 s
    await until(() => flight.current === 1, "first in flight");
    await tick(clock, 1000);
    await order("early-1"); // t = 1 s
    await order("early-2");
    await tick(clock, 19_000);
    await order("vip", "enterprise"); // t = 20 s, 60 s head start: ahead of both
    await order("late"); // t = 20 s, no head start: behind both
    const parked = (await runsOf(ferry, "orders")).filter((run) => run.waiting?.type === "concurrency");
    expect(parked).toHaveLength(4);

    await tickUntil(clock, 1000, allDone, "all orders completed", 200);
    expect(flight.started).toEqual(["first", "vip", "early-1", "early-2", "late"]);
    expect(flight.max).toBe(1);
    expect((await runsOf(ferry, "orders")).find((run) => run.events[0]?.data.label === "vip")?.priority).toBe(60);
  });

  it("gives a head start of only the priority's seconds: runs created earlier than that still go first", async () => {
    await order("first"); // t = 0, runs 0-30 s
    await until(() => flight.current === 1, "first in flight");
    await order("a"); // t = 0, runs 30-60 s
    await order("b"); // t = 0, runs 60-90 s
    await order("c"); // t = 0
    await tick(clock, 10_000);
    await order("d"); // t = 10 s
    await tickUntil(clock, 1000, () => flight.started.length === 3, "b started", 100); // t = 60 s
    await tick(clock, 5000);
    expect(clock.now() - T0).toBe(65_000);
    await order("vip", "enterprise"); // score 65 s - 60 s = 5 s: behind c (0 s), ahead of d (10 s)
    await tickUntil(clock, 1000, allDone, "all orders completed", 200);
    expect(flight.started).toEqual(["first", "a", "b", "c", "vip", "d"]);
    expect(flight.max).toBe(1);
  });
});
