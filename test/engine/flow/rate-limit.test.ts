import type { FunctionConfig } from "@ferry/sdk";
import { eventOutcomes } from "../../../core";
import { routeEvent } from "../../../core/engine/route-event";
import { startInProcessFerry, type InProcessFerry } from "../../support/in-process-ferry";
import { runsOfEvent, shutdown } from "./flow-kit";

/**
 * `rateLimit` on the real engine and a virtual clock: events beyond `limit` per `period` are
 * skipped (not delayed) and recorded with reason `rate-limited`, visible through the event's
 * outcomes; the window slides, so capacity comes back exactly one period after each accepted
 * event; keys are limited independently, and a missing key field shares the empty key.
 */
describe("flow control: rateLimit", () => {
  let ferry!: InProcessFerry;

  afterEach(() => shutdown(ferry));

  async function start(config: FunctionConfig): Promise<void> {
    ferry = await startInProcessFerry((client) => [client.createFunction(config, { event: "rl/hit" }, async ({ event }) => event.data.n ?? null)]);
  }

  /** Sends one event and reports whether it started a run or was skipped as rate-limited. */
  async function hit(data: Record<string, unknown> = {}): Promise<"ran" | "rate-limited"> {
    const [id] = await ferry.send({ name: "rl/hit", data });
    await ferry.idle();
    const runs = await runsOfEvent(ferry, id);
    const outcomes = await eventOutcomes(ferry.engine.deps, id as string);
    if (runs.length === 1 && outcomes?.skipped.length === 0) return "ran";
    if (runs.length === 0 && outcomes?.skipped.length === 1 && outcomes.skipped[0]?.reason === "rate-limited") return "rate-limited";
    throw new Error(`event ${id}: unexpected outcome ${JSON.stringify({ runs: runs.length, outcomes })}`);
  }

  it("skips events beyond the limit and records them as rate-limited", async () => {
    await start({ id: "limited", rateLimit: { limit: 2, period: "10s" } });
    const ids = await ferry.send([1, 2, 3, 4].map((n) => ({ name: "rl/hit", data: { n } })));
    await ferry.idle();
    const ran = [];
    for (const id of ids) if ((await runsOfEvent(ferry, id)).length) ran.push(id);
    expect(ran).toEqual(ids.slice(0, 2));
    for (const id of ids.slice(2)) {
      expect(await eventOutcomes(ferry.engine.deps, id)).toEqual({
        matched: ["app-limited"],
        skipped: [{ function_id: "app-limited", reason: "rate-limited", at: expect.any(String), key: "" }],
        pending: [],
      });
    }
    expect(await ferry.engine.deps.skips.listSkipsByFunction("app-limited", 10)).toHaveLength(2);
    // Skipped, not delayed: no run appears later either.
    await ferry.advance(60_000);
    for (const id of ids.slice(2)) expect(await runsOfEvent(ferry, id)).toEqual([]);
  });

  it("slides the window: capacity returns exactly one period after each accepted event", async () => {
    await start({ id: "sliding", rateLimit: { limit: 2, period: "10s" } });
    expect(await hit()).toBe("ran"); // t = 0
    await ferry.advance(5000);
    expect(await hit()).toBe("ran"); // t = 5 s
    expect(await hit()).toBe("rate-limited");
    await ferry.advance(4999);
    expect(await hit()).toBe("rate-limited"); // t = 9.999 s: both still in the window
    await ferry.advance(1);
    expect(await hit()).toBe("ran"); // t = 10 s: the first left the window
    expect(await hit()).toBe("rate-limited");
    await ferry.advance(5000);
    expect(await hit()).toBe("ran"); // t = 15 s: the second left
  });

  it("limits each key on its own, and events missing the key share one bucket", async () => {
    await start({ id: "per-user", rateLimit: { limit: 1, period: "1h", key: "event.data.userId" } });
    expect(await hit({ userId: "a" })).toBe("ran");
    expect(await hit({ userId: "b" })).toBe("ran");
    expect(await hit({ userId: "a" })).toBe("rate-limited");
    expect(await hit({})).toBe("ran");
    expect(await hit({ other: true })).toBe("rate-limited");
    const [id] = await ferry.send({ name: "rl/hit", data: { userId: "b" } });
    await ferry.idle();
    expect((await eventOutcomes(ferry.engine.deps, id as string))?.skipped).toEqual([
      { function_id: "app-per-user", reason: "rate-limited", at: expect.any(String), key: "b" },
    ]);
    await ferry.advance(60 * 60_000);
    expect(await hit({ userId: "a" })).toBe("ran");
  });

  it("admits an event routed again (an at-least-once redelivery) without counting it twice", async () => {
    await start({ id: "redelivered", rateLimit: { limit: 2, period: "1h" } });
    const [id] = await ferry.send({ name: "rl/hit", data: {} });
    await ferry.idle();
    const stored = await ferry.engine.deps.events.getEvent(id as string);
    if (!stored) throw new Error("event not stored");
    await routeEvent(ferry.engine.deps, stored);
    await ferry.idle();
    expect((await eventOutcomes(ferry.engine.deps, id as string))?.skipped).toEqual([]);
    expect(await hit()).toBe("ran"); // the first event took one place, not two
    expect(await hit()).toBe("rate-limited");
  });
});
