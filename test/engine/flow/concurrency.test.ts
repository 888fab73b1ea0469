import { toRunView, type VirtualClock } from "../../../core";
import { acquireSlots, concurrencySlots } from "../../../core/flow/concurrency";
import { startInProcessFerry, T0, type InProcessFerry } from "../../support/in-process-ferry";
import { InFlight, onlyRun, runsOf, settle, shutdown, tick, tickUntil, until, work } from "./flow-kit";

/**
 * `concurrency` on the real engine and a virtual clock: a limit counts steps that execute (a
 * sleeping run holds no slot), keys make one queue per value (a missing field is the empty key,
 * not an escape), `account` scope is shared across functions, a parked run shows why it waits,
 * and a slot left by a dead worker comes back when its lease expires.
 */
describe("flow control: concurrency", () => {
  let ferry!: InProcessFerry;
  let clock!: VirtualClock;
  let flight: InFlight;

  beforeEach(() => {
    flight = new InFlight();
  });
  afterEach(() => shutdown(ferry));

  /** One function whose single step takes `ms` of virtual time, counted per `event.data.userId`. */
  async function startWorker(config: Parameters<InProcessFerry["ferry"]["createFunction"]>[0], ms = 1000): Promise<void> {
    ferry = await startInProcessFerry((client) => [
      client.createFunction(config, { event: "conc/job" }, async ({ event, step }) => {
        const label = String(event.data.userId ?? "<none>");
        return step.run("work", () => flight.around(label, () => work(clock, ms)));
      }),
    ]);
    clock = ferry.clock;
  }

  it("never executes more steps at once than the limit, and parked runs show waiting: concurrency", async () => {
    await startWorker({ id: "limited", concurrency: 2 });
    const ids = await ferry.send([1, 2, 3, 4, 5].map((n) => ({ name: "conc/job", data: { n } })));
    await until(() => flight.current === 2, "two steps in flight");
    await settle();
    expect(flight.current).toBe(2);

    const parked = (await runsOf(ferry, "limited")).filter((run) => run.waiting?.type === "concurrency");
    expect(parked).toHaveLength(3);
    for (const run of parked) {
      expect(toRunView(run).waiting).toMatchObject({ type: "concurrency", key: expect.any(String) });
      expect(run.startedAt).toBeUndefined();
    }

    const done = async () => (await runsOf(ferry, "limited")).every((run) => run.status === "Completed");
    await tickUntil(clock, 1000, done, "all five runs completed", 10);
    expect(flight.max).toBe(2);
    expect(flight.started).toHaveLength(5);
    for (const id of ids) expect((await onlyRun(ferry, id)).status).toBe("Completed");
    // Five one-second steps two at a time take three rounds of virtual time, not fewer.
    expect(clock.now() - T0).toBeGreaterThanOrEqual(3000);
  });

  it("holds no slot while a run sleeps", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "napper", concurrency: 1 }, { event: "conc/nap" }, async ({ step }) => {
        await step.run("before", () => flight.around("x", () => work(clock, 10)));
        await step.sleep("nap", "1h");
        return step.run("after", () => flight.around("x", () => work(clock, 10)));
      }),
    ]);
    clock = ferry.clock;
    await ferry.send([1, 2, 3].map((n) => ({ name: "conc/nap", data: { n } })));
    // Each run takes the slot for 10 ms, then sleeps without it, letting the next one in.
    const all = (status: string) => async () => {
      const runs = await runsOf(ferry, "napper");
      return runs.length === 3 && runs.every((run) => (run.waiting?.type ?? run.status) === status);
    };
    await tickUntil(clock, 10, all("sleeping"), "all three runs asleep", 20);
    expect(clock.now() - T0).toBeLessThan(60 * 60_000);
    expect(flight.max).toBe(1);

    await tick(clock, 60 * 60_000);
    await tickUntil(clock, 10, all("Completed"), "all three runs completed", 20);
    expect(flight.max).toBe(1);
    expect(flight.started).toHaveLength(6);
  });

  it("keeps one queue per key value: different keys run in parallel, one key waits", async () => {
    await startWorker({ id: "per-user", concurrency: { limit: 1, key: "event.data.userId" } });
    const [a1, a2, b1] = await ferry.send([
      { name: "conc/job", data: { userId: "a" } },
      { name: "conc/job", data: { userId: "a" } },
      { name: "conc/job", data: { userId: "b" } },
    ]);
    await until(() => flight.current === 2, "a and b in flight");
    await settle();
    expect(flight.byLabel.get("a")).toBe(1);
    expect(flight.byLabel.get("b")).toBe(1);
    expect((await onlyRun(ferry, a2)).waiting).toMatchObject({ type: "concurrency" });

    await tick(clock, 1000);
    // b had its own queue: done after one step's time. a2 waited for a1.
    expect((await onlyRun(ferry, b1)).status).toBe("Completed");
    await tickUntil(clock, 1000, async () => (await onlyRun(ferry, a2)).status === "Completed", "a2 completed", 5);
    expect((await onlyRun(ferry, a1)).status).toBe("Completed");
    expect(flight.started).toEqual(["a", "b", "a"]);
    expect(flight.maxByLabel.get("a")).toBe(1);
    expect(flight.max).toBe(2);
  });

  it("puts events whose key field is missing into one shared bucket instead of letting them escape", async () => {
    await startWorker({ id: "missing-key", concurrency: { limit: 1, key: "event.data.userId" } });
    await ferry.send([
      { name: "conc/job", data: {} },
      { name: "conc/job", data: {} },
      { name: "conc/job", data: { other: 1 } },
      { name: "conc/job", data: { userId: "z" } },
    ]);
    await until(() => flight.current === 2, "one keyless and z in flight");
    await settle();
    expect(flight.byLabel.get("<none>")).toBe(1);
    expect(flight.byLabel.get("z")).toBe(1);

    const done = async () => (await runsOf(ferry, "missing-key")).every((run) => run.status === "Completed");
    await tickUntil(clock, 1000, done, "all runs completed", 10);
    expect(flight.maxByLabel.get("<none>")).toBe(1);
    expect(flight.started.filter((label) => label === "<none>")).toHaveLength(3);
  });

  it("shares an account-scoped key across functions", async () => {
    ferry = await startInProcessFerry((client) =>
      ["first", "second"].map((id) =>
        client.createFunction({ id, concurrency: { limit: 1, key: "event.data.acct", scope: "account" } }, { event: "conc/shared" }, async ({ event, step }) =>
          step.run("work", () => flight.around(String(event.data.acct), () => work(clock, 1000))),
        ),
      ),
    );
    clock = ferry.clock;
    await ferry.send([
      { name: "conc/shared", data: { acct: "acme" } },
      { name: "conc/shared", data: { acct: "globex" } },
    ]);
    // Four runs (two functions x two events): one per account at a time, the accounts in parallel.
    await until(() => flight.current === 2, "one step per account");
    await settle();
    expect(flight.byLabel.get("acme")).toBe(1);
    expect(flight.byLabel.get("globex")).toBe(1);
    const parked = [...(await runsOf(ferry, "first")), ...(await runsOf(ferry, "second"))].filter((run) => run.waiting?.type === "concurrency");
    expect(parked).toHaveLength(2);

    const done = async () => [...(await runsOf(ferry, "first")), ...(await runsOf(ferry, "second"))].every((run) => run.status === "Completed");
    await tickUntil(clock, 1000, done, "all four runs completed", 10);
    expect(flight.maxByLabel.get("acme")).toBe(1);
    expect(flight.maxByLabel.get("globex")).toBe(1);
    expect(flight.started).toHaveLength(4);
  });

  it("makes a keyless account-scoped limit one limit shared by every function that declares it", async () => {
    ferry = await startInProcessFerry((client) =>
      ["first", "second"].map((id) =>
        client.createFunction({ id, concurrency: { limit: 1, scope: "account" } }, { event: "conc/keyless" }, async ({ event, step }) =>
          step.run("work", () => flight.around(String(event.data.n), () => work(clock, 1000))),
        ),
      ),
    );
    clock = ferry.clock;
    await ferry.send([{ name: "conc/keyless", data: { n: 1 } }, { name: "conc/keyless", data: { n: 2 } }]);
    const done = async () => {
      const runs = [...(await runsOf(ferry, "first")), ...(await runsOf(ferry, "second"))];
      return runs.length === 4 && runs.every((run) => run.status === "Completed");
    };
    await tickUntil(clock, 1000, done, "all four runs completed", 10);
    // Four runs of two functions, one step at a time across both.
    expect(flight.started).toHaveLength(4);
    expect(flight.max).toBe(1);
  });

  it("gives a dead worker's slot back when its lease expires", async () => {
    const leaseMs = 60_000;
    ferry = await startInProcessFerry(
      (client) => [client.createFunction({ id: "leased", concurrency: 1 }, { event: "conc/lease" }, async ({ step }) => step.run("work", () => "done"))],
      { settings: { leaseMs } },
    );
    clock = ferry.clock;
    const deps = ferry.engine.deps;
    const fn = await deps.catalog.get("app-leased");
    if (!fn) throw new Error("function not registered");
    // A worker took the only slot, exactly as the engine does, and died without giving it back.
    const [event] = await ferry.send({ name: "conc/lease", data: {} });
    const stored = await deps.events.getEvent(event as string);
    if (!stored) throw new Error("event not stored");
    // (The run for `event` already took and returned the slot; the dead lease is taken after.)
    await ferry.idle();
    expect((await onlyRun(ferry, event)).status).toBe("Completed");
    const slots = concurrencySlots(fn, fn.flow, stored);
    expect(await acquireSlots(deps.flow, slots, "dead-worker", clock.now(), leaseMs)).toEqual({ ok: true });

    const [blocked] = await ferry.send({ name: "conc/lease", data: {} });
    await ferry.idle();
    expect((await onlyRun(ferry, blocked)).waiting).toMatchObject({ type: "concurrency" });
    await ferry.advance(leaseMs - 1);
    expect((await onlyRun(ferry, blocked)).status).toBe("Running");
    await ferry.advance(1);
    expect((await onlyRun(ferry, blocked)).status).toBe("Completed");
  });
});
