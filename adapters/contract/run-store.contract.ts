import { describe, expect, it } from "@jest/globals";
import { ConflictError, type RunStore } from "../../core";
import { aRun, aStep, anEvent } from "./fixtures";
import { describeRunListingContract } from "./run-listing.contract";

/** Behaviour every RunStore must have; call from an adapter's test with a factory of empty stores. */
export function describeRunStoreContract(name: string, make: () => Promise<RunStore> | RunStore): void {
  describeRunListingContract(name, make);
  describe(`${name}: RunStore contract`, () => {
    it("round-trips a run with every field", async () => {
      const store = await make();
      const run = aRun({
        stack: ["h1"],
        pending: { h2: { kind: "sleep", name: "nap", since: 1 } },
        waiting: { type: "sleeping", stepId: "h2", until: 9 },
        output: { ok: [1, "two", null] },
        error: { name: "Error", message: "boom", extra: 1 },
        parent: { runId: "p", stepId: "s" },
        priority: -30,
        replayOf: "old",
        startedAt: 1001,
      });
      await store.putRun(run, null);
      expect(await store.getRun(run.id)).toEqual(run);
      expect(await store.getRun("missing")).toBeUndefined();
    });

    it("refuses to create a run twice", async () => {
      const store = await make();
      await store.putRun(aRun(), null);
      await expect(store.putRun(aRun({ status: "Failed" }), null)).rejects.toBeInstanceOf(ConflictError);
      expect((await store.getRun("01RUN"))?.status).toBe("Running");
    });

    it("updates a run at the expected version and refuses a stale one", async () => {
      const store = await make();
      await store.putRun(aRun(), null);
      await store.putRun(aRun({ status: "Completed", version: 2 }), 1);
      expect(await store.getRun("01RUN")).toMatchObject({ status: "Completed", version: 2 });
      await expect(store.putRun(aRun({ status: "Failed", version: 2 }), 1)).rejects.toBeInstanceOf(ConflictError);
      expect((await store.getRun("01RUN"))?.status).toBe("Completed");
    });

    it("refuses to update a run that does not exist", async () => {
      const store = await make();
      await expect(store.putRun(aRun({ version: 2 }), 1)).rejects.toBeInstanceOf(ConflictError);
    });

    it("lists runs started by an event, oldest first, including batches", async () => {
      const store = await make();
      const { receivedAt: _r, ...other } = anEvent({ id: "other" });
      await store.putRun(aRun({ id: "r2", createdAt: 200 }), null);
      await store.putRun(aRun({ id: "r1", createdAt: 100 }), null);
      await store.putRun(aRun({ id: "batch", createdAt: 300, events: [other, aRun().events[0]!] }), null);
      await store.putRun(aRun({ id: "unrelated", events: [other] }), null);
      expect((await store.listRunsByEvent("01EVENT")).map((run) => run.id)).toEqual(["r1", "r2", "batch"]);
      expect(await store.listRunsByEvent("nothing")).toEqual([]);
    });

    it("round-trips a step and applies the same version rules", async () => {
      const store = await make();
      const step = aStep({ memo: { value: { n: 1 } }, opts: { duration: "1s" }, displayName: "A", errors: [{ attempt: 1, at: 5, error: { name: "E", message: "m" } }] });
      await store.putStep(step, null);
      expect(await store.getStep("01RUN", "hash-a")).toEqual(step);
      await expect(store.putStep(step, null)).rejects.toBeInstanceOf(ConflictError);
      await store.putStep({ ...step, status: "Completed", version: 2 }, 1);
      await expect(store.putStep({ ...step, status: "Failed", version: 2 }, 1)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getStep("01RUN", "hash-a")).toMatchObject({ status: "Completed", version: 2 });
      expect(await store.getStep("01RUN", "missing")).toBeUndefined();
    });

    it("keeps a null memo distinct from no memo", async () => {
      const store = await make();
      await store.putStep(aStep({ id: "with", memo: { value: null } }), null);
      await store.putStep(aStep({ id: "without" }), null);
      expect((await store.getStep("01RUN", "with"))?.memo).toEqual({ value: null });
      expect((await store.getStep("01RUN", "without"))?.memo).toBeUndefined();
    });

    it("lists a run's steps in the order they started, not touched by updates", async () => {
      const store = await make();
      for (const id of ["z", "a", "m"]) await store.putStep(aStep({ id }), null);
      await store.putStep(aStep({ runId: "other", id: "b" }), null);
      await store.putStep(aStep({ id: "z", status: "Completed", version: 2 }), 1);
      expect((await store.listSteps("01RUN")).map((step) => step.id)).toEqual(["z", "a", "m"]);
      expect(await store.listSteps("none")).toEqual([]);
    });
  });
}
