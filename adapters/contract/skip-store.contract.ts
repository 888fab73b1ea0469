import { describe, expect, it } from "@jest/globals";
import type { SkipRecord, SkipStore } from "../../core";

function skip(overrides: Partial<SkipRecord>): SkipRecord {
  return { eventId: "e1", functionId: "app-fn", reason: "rate-limited", at: 1000, ...overrides };
}

/** Behaviour every SkipStore must have; call from an adapter's test with a factory of empty stores. */
export function describeSkipStoreContract(name: string, make: () => Promise<SkipStore> | SkipStore): void {
  describe(`${name}: SkipStore contract`, () => {
    it("lists an event's skips with every field", async () => {
      const store = await make();
      const rate = skip({ key: "user-1" });
      const debounce = skip({ functionId: "app-other", reason: "debounce-superseded", at: 1001, supersededBy: "e2" });
      await store.putSkip(rate);
      await store.putSkip(debounce);
      await store.putSkip(skip({ eventId: "e9" }));
      const found = await store.listSkipsByEvent("e1");
      expect(found.sort((a, b) => a.at - b.at)).toEqual([rate, debounce]);
      expect(await store.listSkipsByEvent("none")).toEqual([]);
    });

    it("lists a function's skips newest first, up to the limit", async () => {
      const store = await make();
      await store.putSkip(skip({ eventId: "e1", at: 100 }));
      await store.putSkip(skip({ eventId: "e3", at: 300, reason: "singleton-running" }));
      await store.putSkip(skip({ eventId: "e2", at: 200, reason: "idempotent-duplicate" }));
      await store.putSkip(skip({ eventId: "e4", at: 400, functionId: "app-other" }));
      expect((await store.listSkipsByFunction("app-fn", 2)).map((s) => s.eventId)).toEqual(["e3", "e2"]);
      expect(await store.listSkipsByFunction("app-fn", 10)).toHaveLength(3);
      expect(await store.listSkipsByFunction("none", 10)).toEqual([]);
    });
  });
}
