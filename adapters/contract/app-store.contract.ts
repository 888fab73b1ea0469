import { describe, expect, it } from "@jest/globals";
import { ConflictError, type AppStore } from "../../core";
import { aFunction, anApp } from "./fixtures";

/** Behaviour every AppStore must have; call from an adapter's test with a factory of empty stores. */
export function describeAppStoreContract(name: string, make: () => Promise<AppStore> | AppStore): void {
  describe(`${name}: AppStore contract`, () => {
    it("round-trips apps and lists them all", async () => {
      const store = await make();
      await store.putApp(anApp({ id: "b", framework: "express" }), null);
      await store.putApp(anApp({ id: "a" }), null);
      expect(await store.getApp("b")).toEqual(anApp({ id: "b", framework: "express" }));
      expect(await store.getApp("missing")).toBeUndefined();
      expect((await store.listApps()).map((app) => app.id).sort()).toEqual(["a", "b"]);
    });

    it("applies version rules to apps", async () => {
      const store = await make();
      await store.putApp(anApp(), null);
      await expect(store.putApp(anApp(), null)).rejects.toBeInstanceOf(ConflictError);
      await store.putApp(anApp({ url: "http://new", version: 2 }), 1);
      await expect(store.putApp(anApp({ url: "http://stale", version: 2 }), 1)).rejects.toBeInstanceOf(ConflictError);
      await expect(store.putApp(anApp({ id: "missing", version: 2 }), 1)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getApp("app")).toMatchObject({ url: "http://new", version: 2 });
    });

    it("round-trips functions, flow config included", async () => {
      const store = await make();
      const fn = aFunction({ config: { concurrency: [{ limit: 2, key: "event.data.id" }] } });
      await store.putFunction(fn, null);
      expect(await store.getFunction(fn.id)).toEqual(fn);
      expect(await store.getFunction("missing")).toBeUndefined();
    });

    it("applies version rules to functions", async () => {
      const store = await make();
      await store.putFunction(aFunction(), null);
      await expect(store.putFunction(aFunction(), null)).rejects.toBeInstanceOf(ConflictError);
      await store.putFunction(aFunction({ active: false, version: 2 }), 1);
      await expect(store.putFunction(aFunction({ retries: 9, version: 2 }), 1)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getFunction("app-fn")).toMatchObject({ active: false, retries: 3, version: 2 });
    });

    it("lists every function, active or not", async () => {
      const store = await make();
      await store.putFunction(aFunction({ id: "app-b" }), null);
      await store.putFunction(aFunction({ id: "app-a", active: false }), null);
      await store.putFunction(aFunction({ id: "other-c", appId: "other" }), null);
      expect((await store.listFunctions()).map((fn) => fn.id).sort()).toEqual(["app-a", "app-b", "other-c"]);
    });

    it("starts the registry version at 0 and moves it by one per bump from the current version", async () => {
      const store = await make();
      expect(await store.getRegistryVersion()).toBe(0);
      await store.bumpRegistryVersion(0);
      await store.bumpRegistryVersion(1);
      expect(await store.getRegistryVersion()).toBe(2);
    });

    it("refuses a registry version bump from a stale version", async () => {
      const store = await make();
      await store.bumpRegistryVersion(0);
      await expect(store.bumpRegistryVersion(0)).rejects.toBeInstanceOf(ConflictError);
      await expect(store.bumpRegistryVersion(5)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getRegistryVersion()).toBe(1);
    });
  });
}
