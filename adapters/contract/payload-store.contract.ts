import { describe, expect, it } from "@jest/globals";
import type { PayloadStore } from "../../core";

/** Behaviour every PayloadStore must have; call from an adapter's test with a factory of empty stores. */
export function describePayloadStoreContract(name: string, make: () => Promise<PayloadStore> | PayloadStore): void {
  describe(`${name}: PayloadStore contract`, () => {
    it("gives back exactly what was put, large and non-ASCII bodies included", async () => {
      const store = await make();
      const large = JSON.stringify({ text: "x".repeat(300 * 1024), unicode: "żółw 🐢 \u2028" });
      await store.put("steps/01RUN/abc/1", large);
      await store.put("steps/01RUN/abc/2", "null");
      expect(await store.get("steps/01RUN/abc/1")).toBe(large);
      expect(await store.get("steps/01RUN/abc/2")).toBe("null");
    });

    it("answers undefined for a key never written", async () => {
      const store = await make();
      expect(await store.get("steps/none")).toBeUndefined();
    });

    it("changes nothing when a key is written again with its body (keys name their content)", async () => {
      const store = await make();
      await store.put("k", "first");
      await store.put("k", "first");
      expect(await store.get("k")).toBe("first");
    });

    it("stores an object with an expiry and reads it back before then", async () => {
      const store = await make();
      await store.put("expiring", "{}", Date.parse("2100-01-01T00:00:00Z"));
      expect(await store.get("expiring")).toBe("{}");
    });
  });
}
