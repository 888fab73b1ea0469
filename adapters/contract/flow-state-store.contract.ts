import { describe, expect, it } from "@jest/globals";
import { ConflictError, type FlowStateStore } from "../../core";

/** Behaviour every FlowStateStore must have; call from an adapter's test with a factory of empty stores. */
export function describeFlowStateStoreContract(name: string, make: () => Promise<FlowStateStore> | FlowStateStore): void {
  describe(`${name}: FlowStateStore contract`, () => {
    it("creates an item at version 1 and reads it back", async () => {
      const store = await make();
      const value = { limit: 2, leases: { a: 100, b: 200 } };
      await store.putState("k", value, null, 5000);
      expect(await store.getState("k")).toEqual({ key: "k", value, version: 1, expiresAt: 5000 });
      expect(await store.getState("missing")).toBeUndefined();
    });

    it("keeps an item without expiry and holds non-object values", async () => {
      const store = await make();
      await store.putState("n", 42, null);
      await store.putState("list", ["a", "b"], null);
      const item = await store.getState<number>("n");
      expect(item).toEqual({ key: "n", value: 42, version: 1 });
      expect(item?.expiresAt).toBeUndefined();
      expect((await store.getState<string[]>("list"))?.value).toEqual(["a", "b"]);
    });

    it("refuses to create an item twice", async () => {
      const store = await make();
      await store.putState("k", 1, null);
      await expect(store.putState("k", 2, null)).rejects.toBeInstanceOf(ConflictError);
      expect((await store.getState("k"))?.value).toBe(1);
    });

    it("updates at the expected version, bumping it, and refuses a stale write", async () => {
      const store = await make();
      await store.putState("k", 1, null, 100);
      await store.putState("k", 2, 1, 200);
      expect(await store.getState("k")).toEqual({ key: "k", value: 2, version: 2, expiresAt: 200 });
      await expect(store.putState("k", 3, 1)).rejects.toBeInstanceOf(ConflictError);
      await store.putState("k", 3, 2);
      expect(await store.getState("k")).toEqual({ key: "k", value: 3, version: 3 });
    });

    it("refuses to update an item that does not exist", async () => {
      const store = await make();
      await expect(store.putState("k", 1, 1)).rejects.toBeInstanceOf(ConflictError);
    });

    it("returns an item past its expiry (expiry is the caller's decision)", async () => {
      const store = await make();
      await store.putState("k", "v", null, 1);
      expect(await store.getState("k")).toMatchObject({ value: "v", expiresAt: 1 });
    });

    it("deletes at the expected version only", async () => {
      const store = await make();
      await store.putState("k", 1, null);
      await store.putState("k", 2, 1);
      await expect(store.deleteState("k", 1)).rejects.toBeInstanceOf(ConflictError);
      await store.deleteState("k", 2);
      expect(await store.getState("k")).toBeUndefined();
      await expect(store.deleteState("k", 2)).rejects.toBeInstanceOf(ConflictError);
    });

    it("starts again at version 1 after a delete", async () => {
      const store = await make();
      await store.putState("k", 1, null);
      await store.deleteState("k", 1);
      await store.putState("k", "again", null);
      expect(await store.getState("k")).toEqual({ key: "k", value: "again", version: 1 });
    });
  });
}
