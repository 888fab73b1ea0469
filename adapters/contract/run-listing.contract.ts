import { describe, expect, it } from "@jest/globals";
import { RUN_PHASES, runPhase, type RunQuery, type RunRecord, type RunStore } from "../../core";
import { aRun, runsInEveryPhase } from "./fixtures";
import { allPages, newestFirstIds } from "./paging";

/** Every run a query lists, following its pages (which may be short before the end). */
async function listed(store: RunStore, query: RunQuery): Promise<string[]> {
  return (await allPages(query.limit, (after) => store.listRuns({ ...query, after }))).flat().map((run) => run.id);
}

/** The listing part of the RunStore contract (`RunStore.listRuns`); run by `describeRunStoreContract`. */
export function describeRunListingContract(name: string, make: () => Promise<RunStore> | RunStore): void {
  describe(`${name}: RunStore listing contract`, () => {
    it("pages through runs newest first, each once, ties in time broken by id descending", async () => {
      const store = await make();
      const runs = Array.from({ length: 25 }, (_, index) => aRun({ id: `r${String(index).padStart(2, "0")}`, createdAt: 1000 + (index % 7) * 10 }));
      for (const run of [...runs].reverse()) await store.putRun(run, null);
      const first = await store.listRuns({ limit: 10 });
      // A run created after the first page was read is above its cursor: later pages are unmoved.
      await store.putRun(aRun({ id: "newer", createdAt: 5000 }), null);
      const rest = await allPages(10, (after) => store.listRuns({ limit: 10, after: after ?? first.next }));
      expect([first.items, ...rest].map((page) => page.length)).toEqual([10, 10, 5]);
      expect([first.items, ...rest].flat().map((run) => run.id)).toEqual(newestFirstIds(runs, (run) => run.createdAt));
    });

    it("lists each run with its latest state", async () => {
      const store = await make();
      for (const [id, at] of [["r1", 100], ["r3", 300], ["r2", 200]] as const) await store.putRun(aRun({ id, createdAt: at }), null);
      await store.putRun(aRun({ id: "r3", createdAt: 300, status: "Completed", version: 2 }), 1);
      const page = await store.listRuns({ limit: 2 });
      expect(page.items.map((run) => [run.id, run.status])).toEqual([["r3", "Completed"], ["r2", "Running"]]);
      expect(page.next).toBeDefined();
    });

    it("filters by function, page by page", async () => {
      const store = await make();
      const runs = Array.from({ length: 12 }, (_, index) => aRun({ id: `r${String(index).padStart(2, "0")}`, functionId: `fn-${index % 3}`, createdAt: 1000 + index }));
      for (const run of runs) await store.putRun(run, null);
      const ofFn1 = runs.filter((run) => run.functionId === "fn-1");
      expect(await listed(store, { functionId: "fn-1", limit: 2 })).toEqual(newestFirstIds(ofFn1, (run) => run.createdAt));
      expect(await listed(store, { functionId: "fn-none", limit: 5 })).toEqual([]);
    });

    it("filters by phase, and a run whose phase changes leaves one listing for the other", async () => {
      const store = await make();
      const runs = runsInEveryPhase();
      for (const run of runs) await store.putRun(run, null);
      for (const phase of RUN_PHASES) {
        const expected = newestFirstIds(runs.filter((run) => runPhase(run) === phase), (run) => run.createdAt);
        expect([phase, await listed(store, { phase, limit: 1 })]).toEqual([phase, expected]);
      }
      const queued = runs[0] as RunRecord;
      await store.putRun({ ...queued, startedAt: 1500, version: 2 }, 1);
      expect(await listed(store, { phase: "queued", limit: 10 })).not.toContain(queued.id);
      expect(await listed(store, { phase: "running", limit: 10 })).toContain(queued.id);
      await store.putRun({ ...queued, startedAt: 1500, status: "Failed", version: 3 }, 2);
      expect(await listed(store, { phase: "running", limit: 10 })).not.toContain(queued.id);
      expect(await listed(store, { phase: "failed", limit: 10 })).toContain(queued.id);
    });

    it("bounds by creation time, from inclusive and to exclusive", async () => {
      const store = await make();
      const times = { t1: 100, t2: 200, t3: 200, t4: 300, t5: 400, t6: 500 };
      for (const [id, createdAt] of Object.entries(times)) await store.putRun(aRun({ id, createdAt }), null);
      expect(await listed(store, { from: 200, to: 400, limit: 1 })).toEqual(["t4", "t3", "t2"]);
      expect(await listed(store, { from: 400, limit: 10 })).toEqual(["t6", "t5"]);
      expect(await listed(store, { to: 200, limit: 10 })).toEqual(["t1"]);
      expect(await listed(store, { from: 150.5, to: 300.5, limit: 2 })).toEqual(["t4", "t3", "t2"]);
    });

    it("combines every filter with paging", async () => {
      const store = await make();
      const runs = Array.from({ length: 30 }, (_, index) =>
        aRun({
          id: `r${String(index).padStart(2, "0")}`,
          functionId: `fn-${index % 2}`,
          createdAt: 1000 + index * 10,
          startedAt: 1000 + index * 10,
          ...(index % 3 === 0 ? { status: "Completed" as const } : {}),
        }),
      );
      for (const run of runs) await store.putRun(run, null);
      const query = { functionId: "fn-0", phase: "completed", from: 1050, to: 1250 } as const;
      const expected = runs.filter((run) => run.functionId === "fn-0" && runPhase(run) === "completed" && run.createdAt >= 1050 && run.createdAt < 1250);
      expect(expected.length).toBeGreaterThan(2);
      expect(await listed(store, { ...query, limit: 2 })).toEqual(newestFirstIds(expected, (run) => run.createdAt));
    });

    it("ends an empty listing without a next page", async () => {
      const store = await make();
      expect(await store.listRuns({ limit: 10 })).toEqual({ items: [] });
      await store.putRun(aRun({ id: "a", createdAt: 100 }), null);
      await store.putRun(aRun({ id: "b", createdAt: 200 }), null);
      expect(await store.listRuns({ limit: 10, functionId: "fn-none" })).toEqual({ items: [] });
      expect(await store.listRuns({ limit: 10, phase: "sleeping" })).toEqual({ items: [] });
      expect(await store.listRuns({ limit: 10, from: 201 })).toEqual({ items: [] });
      expect(await store.listRuns({ limit: 10, from: 300, to: 100 })).toEqual({ items: [] });
      expect(await store.listRuns({ limit: 10, after: { at: 100, id: "a" } })).toEqual({ items: [] });
      expect((await store.listRuns({ limit: 2 })).next).toBeUndefined();
    });
  });
}
