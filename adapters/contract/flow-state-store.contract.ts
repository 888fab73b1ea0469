import { describe, expect, it } from "@jest/globals";
import { ConflictError, FerryError, type FlowStateStore } from "../../core";

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

    it("lists the items under a prefix in key order (UTF-8), with their latest values, up to a limit", async () => {
      const store = await make();
      // 1,210 bytes, 3 per character: longer than DynamoDB allows in a key, cut mid-character at 900.
      const long = `conc:fn:a:${"€".repeat(400)}`;
      const listed = ["conc:fn:a:", "conc:fn:a:b:c", "conc:fn:a:x", "conc:fn:a:é", long, "conc:fn:a:\uff5e", "conc:fn:a:😀"];
      const others = ["conc:fn:ab:1", "conc:fn:a", "conc:fn:a;", "conc:fn:b:1", "concx:fn:a:1", "throttle:conc:fn:a:1"];
      for (const key of [...others, ...listed].reverse()) await store.putState(key, { key }, null);
      await store.putState("conc:fn:a:x", "latest", 1, 9000);
      await store.putState("conc:fn:a:gone", 1, null);
      await store.deleteState("conc:fn:a:gone", 1);

      const items = await store.listStates<unknown>("conc:fn:a:", 10);
      expect(items.map((item) => item.key)).toEqual(listed);
      expect(items[2]).toEqual({ key: "conc:fn:a:x", value: "latest", version: 2, expiresAt: 9000 });
      expect(items[4]).toEqual({ key: long, value: { key: long }, version: 1 });
      expect((await store.listStates("conc:fn:a:", 3)).map((item) => item.key)).toEqual(listed.slice(0, 3));
      expect((await store.listStates("throttle:", 10)).map((item) => item.key)).toEqual(["throttle:conc:fn:a:1"]);
      expect(await store.listStates("conc:fn:c:", 10)).toEqual([]);
    });

    it("keeps key order among long keys that agree on their first 900 bytes", async () => {
      const store = await make();
      const base = `conc:fn:z:${"x".repeat(1000)}`;
      for (const end of ["b", "d", "a", "c"]) await store.putState(`${base}${end}`, end, null);
      expect((await store.listStates<string>("conc:fn:z:", 2)).map((item) => item.value)).toEqual(["a", "b"]);
      expect((await store.listStates<string>(`${base}c`, 2)).map((item) => item.value)).toEqual(["c"]);
    });

    it("lists only the listed kinds, named with their colon", async () => {
      const store = await make();
      await store.putState("idem:fn:1", 1, null);
      await expect(store.listStates("idem:", 10)).rejects.toBeInstanceOf(FerryError);
      await expect(store.listStates("conc", 10)).rejects.toBeInstanceOf(FerryError);
    });
  });
}
