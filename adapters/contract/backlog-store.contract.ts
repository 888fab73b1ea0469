import { describe, expect, it } from "@jest/globals";
import type { BacklogEntry, BacklogStore } from "../../core";

function entry(id: string, score: number, key = "k"): BacklogEntry {
  return { key, id, score, job: { type: "call", runId: `run-${id}`, stepId: "s", attempt: 0 } };
}

/** Behaviour every BacklogStore must have; call from an adapter's test with a factory of empty stores. */
export function describeBacklogStoreContract(name: string, make: () => Promise<BacklogStore> | BacklogStore): void {
  describe(`${name}: BacklogStore contract`, () => {
    it("peeks a key's entries lowest score first, ties by id, up to the limit", async () => {
      const store = await make();
      await store.park(entry("c", 300));
      await store.park(entry("b", 100));
      await store.park(entry("a", 100));
      await store.park(entry("d", -50.5));
      await store.park(entry("z", 0, "other"));
      expect((await store.peek("k", 3)).map((e) => e.id)).toEqual(["d", "a", "b"]);
      expect(await store.peek("k", 10)).toEqual([entry("d", -50.5), entry("a", 100), entry("b", 100), entry("c", 300)]);
      expect(await store.peek("none", 10)).toEqual([]);
    });

    it("counts a key's entries", async () => {
      const store = await make();
      expect(await store.count("k")).toBe(0);
      await store.park(entry("a", 1));
      await store.park(entry("b", 2));
      await store.park(entry("c", 3, "other"));
      expect(await store.count("k")).toBe(2);
    });

    it("replaces an entry parked again under the same id", async () => {
      const store = await make();
      await store.park(entry("a", 5));
      await store.park(entry("a", 1));
      expect(await store.count("k")).toBe(1);
      expect((await store.peek("k", 10))[0]?.score).toBe(1);
    });

    it("removes an entry once: true for the first caller, false after", async () => {
      const store = await make();
      await store.park(entry("a", 1));
      await store.park(entry("a", 1, "other"));
      const results = await Promise.all([store.remove("k", "a"), store.remove("k", "a")]);
      expect(results.sort()).toEqual([false, true]);
      expect(await store.remove("k", "a")).toBe(false);
      expect(await store.count("k")).toBe(0);
      // The same id under another key is a different entry.
      expect(await store.count("other")).toBe(1);
    });
  });
}
