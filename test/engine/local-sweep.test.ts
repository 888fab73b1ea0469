import { startInProcessFerry } from "../support/in-process-ferry";
import { SWEEP_INTERVAL_MS } from "../../adapters/local/local-engine";

/** The local engine sweeps expired flow-control keys on its own clock, as DynamoDB TTL would. */
describe("local engine TTL sweep", () => {
  it("drops idempotency keys once they expire, and the next event with that key runs again", async () => {
    const ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "once", idempotency: "event.data.id" }, { event: "sweep/go" }, async () => "ran"),
    ]);
    const expired = () => (ferry.engine.db.prepare("SELECT COUNT(*) AS n FROM flow_state WHERE expires_at IS NOT NULL AND expires_at <= ?").get(ferry.clock.now()) as { n: number }).n;
    const total = () => (ferry.engine.db.prepare("SELECT COUNT(*) AS n FROM flow_state").get() as { n: number }).n;
    try {
      await ferry.send({ name: "sweep/go", data: { id: "k" } });
      await ferry.idle();
      const before = total();
      expect(before).toBeGreaterThan(0);
      await ferry.advance(24 * 3_600_000 + SWEEP_INTERVAL_MS);
      expect(expired()).toBe(0);
      expect(total()).toBeLessThan(before);
      await ferry.send({ name: "sweep/go", data: { id: "k" } });
      await ferry.idle();
      expect((await ferry.engine.deps.runs.listRuns({ limit: 10 })).items.filter((run) => run.functionId === "app-once")).toHaveLength(2);
    } finally {
      await ferry.close();
    }
  });
});
