import { openDatabase } from "./database";
import { createSqliteStores } from "./sqlite-stores";
import { SqliteSweeper } from "./sqlite-sweeper";

describe("SqliteSweeper (TTL for the local store)", () => {
  it("removes only expired sender-id claims and flow items, and stores keep working after", async () => {
    const db = openDatabase(":memory:");
    const stores = createSqliteStores(db);
    await stores.events.claimExternalId("old", "01A", 0, 100);
    await stores.events.claimExternalId("fresh", "01B", 0, 1_000);
    await stores.flow.putState("idem:expired", { run: "r1" }, null, 100);
    await stores.flow.putState("idem:live", { run: "r2" }, null, 1_000);
    await stores.flow.putState("forever", { n: 1 }, null);

    expect(new SqliteSweeper(db).sweep(500)).toEqual({ externalIds: 1, flowState: 1 });

    expect(await stores.flow.getState("idem:expired")).toBeUndefined();
    expect(await stores.flow.getState("idem:live")).toMatchObject({ value: { run: "r2" } });
    expect(await stores.flow.getState("forever")).toMatchObject({ value: { n: 1 } });
    // The live claim still holds; the swept one can be claimed again.
    expect(await stores.events.claimExternalId("fresh", "01C", 500, 2_000)).toBe("01B");
    expect(await stores.events.claimExternalId("old", "01D", 500, 2_000)).toBeUndefined();
    // A writer holding a swept item's old version gets a conflict and re-reads, as with TTL.
    await expect(stores.flow.putState("idem:expired", { run: "r3" }, 1, 2_000)).rejects.toThrow();
    await stores.flow.putState("idem:expired", { run: "r3" }, null, 2_000);
    db.close();
  });
});
