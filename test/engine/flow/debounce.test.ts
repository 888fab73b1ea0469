import type { FunctionConfig } from "@ferry/sdk";
import { eventOutcomes } from "../../../core";
import { startInProcessFerry, T0, type InProcessFerry } from "../../support/in-process-ferry";
import { runsOf, runsOfEvent, shutdown } from "./flow-kit";

/**
 * `debounce` on the real engine and a virtual clock: one run with the LAST event once `period`
 * passes without a new one; each new event pushes the run back; `timeout` caps the wait from the
 * first event; keys debounce independently; replaced events are recorded as
 * `debounce-superseded` and the held event shows as pending.
 */
describe("flow control: debounce", () => {
  let ferry!: InProcessFerry;
  /** What each run received: its event's `n`, and when it ran (virtual ms since T0). */
  let ran: { n: number; events: number; at: number }[];

  afterEach(() => shutdown(ferry));

  async function start(config: FunctionConfig): Promise<void> {
    ran = [];
    ferry = await startInProcessFerry((client) => [
      client.createFunction(config, { event: "db/edit" }, async ({ event, events }) => {
        ran.push({ n: Number(event.data.n), events: events.length, at: ferry.clock.now() - T0 });
        return event.data.n;
      }),
    ]);
  }

  async function send(data: Record<string, unknown>): Promise<string> {
    const [id] = await ferry.send({ name: "db/edit", data });
    await ferry.idle();
    return id as string;
  }

  it("runs once with the last event after a quiet period, each event pushing it back", async () => {
    await start({ id: "reindex", debounce: { period: "5s" } });
    const first = await send({ n: 1 });
    await ferry.advance(3000);
    const second = await send({ n: 2 });
    await ferry.advance(3000); // t = 6 s: would have fired at 5 s without the second event
    expect(ran).toEqual([]);
    const third = await send({ n: 3 });
    const outcomes = await eventOutcomes(ferry.engine.deps, third);
    expect(outcomes).toEqual({ matched: ["app-reindex"], skipped: [], pending: [{ function_id: "app-reindex", reason: "debounce", until: new Date(T0 + 11_000).toISOString() }] });
    await ferry.advance(4999);
    expect(ran).toEqual([]);
    await ferry.advance(1);
    expect(ran).toEqual([{ n: 3, events: 1, at: 11_000 }]);

    expect((await eventOutcomes(ferry.engine.deps, first))?.skipped).toEqual([
      { function_id: "app-reindex", reason: "debounce-superseded", at: new Date(T0 + 3000).toISOString(), key: "", superseded_by: second },
    ]);
    expect((await eventOutcomes(ferry.engine.deps, second))?.skipped).toMatchObject([{ reason: "debounce-superseded", superseded_by: third }]);
    expect(await eventOutcomes(ferry.engine.deps, third)).toEqual({ matched: ["app-reindex"], skipped: [], pending: [] });
    expect(await runsOfEvent(ferry, first)).toEqual([]);
    expect(await runsOfEvent(ferry, third)).toHaveLength(1);
    // Nothing else fires later.
    await ferry.advance(60_000);
    expect(ran).toHaveLength(1);
  });

  it("caps the total wait at timeout from the first event", async () => {
    await start({ id: "capped", debounce: { period: "5s", timeout: "10s" } });
    for (let n = 1; n <= 4; n++) {
      if (n > 1) await ferry.advance(3000); // an event every 3 s would otherwise postpone it forever
      await send({ n });
    }
    // Events at 0, 3, 6, 9 s; the timeout forces the run at 10 s with the latest (n = 4).
    await ferry.advance(999);
    expect(ran).toEqual([]);
    await ferry.advance(1);
    expect(ran).toEqual([{ n: 4, events: 1, at: 10_000 }]);
    // The next event opens a fresh debounce.
    await send({ n: 5 });
    await ferry.advance(5000);
    expect(ran.map((r) => [r.n, r.at])).toEqual([
      [4, 10_000],
      [5, 15_000],
    ]);
  });

  it("debounces each key on its own", async () => {
    await start({ id: "per-doc", debounce: { period: "5s", key: "event.data.doc" } });
    const a1 = await send({ n: 1, doc: "a" });
    const b1 = await send({ n: 2, doc: "b" });
    await ferry.advance(2000);
    await send({ n: 3, doc: "a" });
    await ferry.advance(3000); // t = 5 s: b quiet for 5 s, a only for 3 s
    expect(ran.map((r) => r.n)).toEqual([2]);
    await ferry.advance(2000);
    expect(ran.map((r) => r.n)).toEqual([2, 3]);
    expect((await eventOutcomes(ferry.engine.deps, a1))?.skipped).toMatchObject([{ reason: "debounce-superseded", key: "a" }]);
    expect((await eventOutcomes(ferry.engine.deps, b1))?.skipped).toEqual([]);
    expect(await runsOf(ferry, "per-doc")).toHaveLength(2);
  });
});
