import { eventOutcomes } from "../../../core";
import { startInProcessFerry, type InProcessFerry } from "../../support/in-process-ferry";
import { runsOf, runsOfEvent, shutdown } from "./flow-kit";

/**
 * `idempotency` on the real engine and a virtual clock: one run per key value per 24 hours;
 * later events with the same key are skipped with reason `idempotent-duplicate`, and the key is
 * free again once 24 hours have passed since the run that claimed it.
 */
describe("flow control: idempotency", () => {
  let ferry!: InProcessFerry;
  const DAY = 24 * 60 * 60_000;

  beforeEach(async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "charge", idempotency: "event.data.orderId" }, { event: "idem/charge" }, async ({ event }) => event.data.orderId ?? null),
    ]);
  });
  afterEach(() => shutdown(ferry));

  async function charge(orderId?: string): Promise<{ id: string; runs: number; skipped: string[] }> {
    const [id] = await ferry.send({ name: "idem/charge", data: orderId === undefined ? {} : { orderId } });
    await ferry.idle();
    const outcomes = await eventOutcomes(ferry.engine.deps, id as string);
    return { id: id as string, runs: (await runsOfEvent(ferry, id)).length, skipped: outcomes?.skipped.map((s) => s.reason) ?? [] };
  }

  it("skips a second event with the same key within 24 hours", async () => {
    expect(await charge("o1")).toMatchObject({ runs: 1, skipped: [] });
    await ferry.advance(60_000);
    const duplicate = await charge("o1");
    expect(duplicate).toMatchObject({ runs: 0, skipped: ["idempotent-duplicate"] });
    expect((await eventOutcomes(ferry.engine.deps, duplicate.id))?.skipped).toEqual([
      { function_id: "app-charge", reason: "idempotent-duplicate", at: expect.any(String), key: "o1" },
    ]);
    expect(await charge("o2")).toMatchObject({ runs: 1, skipped: [] });
    expect((await runsOf(ferry, "charge")).map((run) => run.output)).toEqual(["o1", "o2"]);
  });

  it("starts a new run for the key once 24 hours have passed", async () => {
    expect(await charge("o1")).toMatchObject({ runs: 1 });
    await ferry.advance(DAY - 1);
    expect(await charge("o1")).toMatchObject({ runs: 0, skipped: ["idempotent-duplicate"] });
    await ferry.advance(1);
    expect(await charge("o1")).toMatchObject({ runs: 1, skipped: [] });
    // The new run claimed the key for another 24 hours.
    expect(await charge("o1")).toMatchObject({ runs: 0, skipped: ["idempotent-duplicate"] });
  });

  it("treats events missing the key field as one key", async () => {
    expect(await charge()).toMatchObject({ runs: 1 });
    expect(await charge()).toMatchObject({ runs: 0, skipped: ["idempotent-duplicate"] });
  });
});
