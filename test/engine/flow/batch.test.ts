import type { FunctionConfig } from "@ferry/sdk";
import { eventOutcomes } from "../../../core";
import { startInProcessFerry, T0, type InProcessFerry } from "../../support/in-process-ferry";
import { runsOf, runsOfEvent, shutdown } from "./flow-kit";

/**
 * `batchEvents` on the real engine and a virtual clock: one run receives `events[]` as soon as
 * `maxSize` are collected, or with fewer `timeout` after the first; events failing the batch's
 * `if` run on their own at once; keys collect separate batches; a held event shows as pending.
 */
describe("flow control: batchEvents", () => {
  let ferry!: InProcessFerry;
  /** Per run: the `n` of each event it received and when it ran (virtual ms since T0). */
  let ran: { ns: number[]; at: number }[];

  afterEach(() => shutdown(ferry));

  async function start(config: FunctionConfig): Promise<void> {
    ran = [];
    ferry = await startInProcessFerry((client) => [
      client.createFunction(config, { event: "bt/row" }, async ({ events }) => {
        ran.push({ ns: events.map((e) => Number(e.data.n)), at: ferry.clock.now() - T0 });
        return events.length;
      }),
    ]);
  }

  async function send(...data: Record<string, unknown>[]): Promise<string[]> {
    const ids = await ferry.send(data.map((d) => ({ name: "bt/row", data: d })));
    await ferry.idle();
    return ids;
  }

  it("starts one run with all events as soon as maxSize are collected", async () => {
    await start({ id: "bulk", batchEvents: { maxSize: 3, timeout: "5s" } });
    const [a, b] = await send({ n: 1 }, { n: 2 });
    expect(ran).toEqual([]);
    expect(await eventOutcomes(ferry.engine.deps, a as string)).toEqual({
      matched: ["app-bulk"],
      skipped: [],
      pending: [{ function_id: "app-bulk", reason: "batch", until: new Date(T0 + 5000).toISOString(), batch_size: 2 }],
    });
    await ferry.advance(1000);
    const [c, d] = await send({ n: 3 }, { n: 4 });
    expect(ran).toEqual([{ ns: [1, 2, 3], at: 1000 }]);
    const [run] = await runsOfEvent(ferry, c);
    expect(run?.events.map((e) => e.id)).toEqual([a, b, c]);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toBe(3);
    // The full batch's timer does not fire a second run; the fourth event opened a new batch.
    await ferry.advance(4000);
    expect(ran).toHaveLength(1);
    expect((await eventOutcomes(ferry.engine.deps, d as string))?.pending).toMatchObject([{ reason: "batch", batch_size: 1 }]);
    await ferry.advance(1000);
    expect(ran).toEqual([
      { ns: [1, 2, 3], at: 1000 },
      { ns: [4], at: 6000 },
    ]);
  });

  it("starts a run with fewer events when the timeout passes after the first", async () => {
    await start({ id: "slow-trickle", batchEvents: { maxSize: 10, timeout: "5s" } });
    await send({ n: 1 });
    await ferry.advance(3000);
    await send({ n: 2 });
    await ferry.advance(1999);
    expect(ran).toEqual([]);
    await ferry.advance(1);
    expect(ran).toEqual([{ ns: [1, 2], at: 5000 }]);
    expect(await runsOf(ferry, "slow-trickle")).toHaveLength(1);
  });

  it("runs events that fail the batch's if on their own, at once", async () => {
    await start({ id: "selective", batchEvents: { maxSize: 2, timeout: "5s", if: "event.data.bulk == true" } });
    await send({ n: 1, bulk: true }, { n: 2, bulk: false }, { n: 3 });
    // 2 fails the condition; 3 has no `bulk` field, so the condition fails too.
    expect(ran.map((r) => r.ns).sort()).toEqual([[2], [3]]);
    await send({ n: 4, bulk: true });
    expect(ran.map((r) => r.ns)).toContainEqual([1, 4]);
    expect(ran).toHaveLength(3);
  });

  it("collects a separate batch per key", async () => {
    await start({ id: "per-tenant", batchEvents: { maxSize: 2, timeout: "5s", key: "event.data.tenant" } });
    const [, b1] = await send({ n: 1, tenant: "a" }, { n: 2, tenant: "b" }, { n: 3, tenant: "a" });
    expect(ran).toEqual([{ ns: [1, 3], at: 0 }]);
    expect((await eventOutcomes(ferry.engine.deps, b1 as string))?.pending).toMatchObject([{ function_id: "app-per-tenant", reason: "batch", batch_size: 1 }]);
    await ferry.advance(5000);
    expect(ran).toEqual([
      { ns: [1, 3], at: 0 },
      { ns: [2], at: 5000 },
    ]);
  });
});
