import { describe, expect, it } from "@jest/globals";
import { ConflictError, type WaitStore } from "../../core";
import { aWait } from "./fixtures";

/** Behaviour every WaitStore must have; call from an adapter's test with a factory of empty stores. */
export function describeWaitStoreContract(name: string, make: () => Promise<WaitStore> | WaitStore): void {
  describe(`${name}: WaitStore contract`, () => {
    it("lists waits by the event they expect, every field intact", async () => {
      const store = await make();
      const first = aWait();
      const second = aWait({ id: "02RUN:hash-w", runId: "02RUN", kind: "cancel", expression: undefined });
      await store.putWait(first);
      await store.putWait(second);
      await store.putWait(aWait({ id: "03RUN:hash-w", runId: "03RUN", event: "app/other" }));
      const found = await store.listWaitsByEvent("app/approved");
      expect(found.sort((a, b) => a.id.localeCompare(b.id))).toEqual([first, { ...second, expression: undefined }]);
      expect(await store.listWaitsByEvent("app/none")).toEqual([]);
    });

    it("refuses a second wait with the same id", async () => {
      const store = await make();
      await store.putWait(aWait());
      await expect(store.putWait(aWait({ expiresAt: 9999 }))).rejects.toBeInstanceOf(ConflictError);
      expect((await store.listWaitsByEvent("app/approved"))[0]?.expiresAt).toBe(5000);
    });

    it("deletes a wait once: true for the first caller, false after", async () => {
      const store = await make();
      await store.putWait(aWait());
      const results = await Promise.all([store.deleteWait("01RUN:hash-w"), store.deleteWait("01RUN:hash-w")]);
      expect(results.sort()).toEqual([false, true]);
      expect(await store.deleteWait("01RUN:hash-w")).toBe(false);
      expect(await store.listWaitsByEvent("app/approved")).toEqual([]);
    });

    it("reports false for a wait that never existed", async () => {
      const store = await make();
      expect(await store.deleteWait("missing")).toBe(false);
    });
  });
}
