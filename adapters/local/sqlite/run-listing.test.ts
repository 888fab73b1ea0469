import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { RUN_PHASES, runPhase, type RunQuery } from "../../../core";
import { runsInEveryPhase } from "../../contract";
import { migrations, openDatabase } from "./database";
import { SqliteRunStore } from "./sqlite-run-store";

describe("sqlite run listing", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-listing-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fills in the function and phase of runs stored before those columns existed", async () => {
    const path = join(dir, "old.db");
    // A file as a ferry dev before the listing columns left it.
    const old = new Database(path);
    for (const [index, step] of migrations.slice(0, 3).entries()) {
      old.exec(step);
      old.pragma(`user_version = ${index + 1}`);
    }
    const runs = runsInEveryPhase().map((run, index) => ({ ...run, functionId: `fn-${index % 2}` }));
    const insert = old.prepare("INSERT INTO runs (id, created_at, version, body) VALUES (?, ?, ?, ?)");
    for (const run of runs) insert.run(run.id, run.createdAt, run.version, JSON.stringify(run));
    old.close();

    const upgraded = openDatabase(path);
    try {
      const rows = upgraded.prepare<[], { id: string; function_id: string; phase: string }>("SELECT id, function_id, phase FROM runs ORDER BY id").all();
      expect(rows).toEqual(runs.map((run) => ({ id: run.id, function_id: run.functionId, phase: runPhase(run) })));
      const store = new SqliteRunStore(upgraded);
      expect((await store.listRuns({ limit: 10, functionId: "fn-1", phase: "waiting" })).items.map((run) => run.id)).toEqual(["p07"]);
    } finally {
      upgraded.close();
    }
  });

  it("answers every filter combination by walking one index in listing order from the tighter bound", async () => {
    const db = openDatabase(":memory:");
    try {
      const prepared: string[] = [];
      const prepare = db.prepare.bind(db);
      Object.defineProperty(db, "prepare", { value: (sql: string) => (prepared.push(sql), prepare(sql)) });
      const store = new SqliteRunStore(db);
      for (const query of everyQueryShape()) {
        prepared.length = 0;
        await store.listRuns(query);
        const [sql] = prepared;
        if (sql === undefined) continue; // a shape seen before: its statement was reused
        const plan = db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...Array.from(sql.matchAll(/\?/g), () => 1))
          .map((row) => row.detail);
        const tighter = query.after && (query.to === undefined || query.after.at < query.to) ? "(created_at,id)<(?,?)" : query.to !== undefined ? "created_at<?" : "";
        const walk = plan[0] ?? "";
        expect({ query, steps: plan.length, index: /USING INDEX runs_listed/.test(walk), bound: walk.includes(tighter), sorts: walk.includes("TEMP B-TREE") }).toEqual({
          query,
          steps: 1,
          index: true,
          bound: true,
          sorts: false,
        });
      }
    } finally {
      db.close();
    }
  });
});

/** A query of each shape: with and without each filter, and with the cursor above and below `to`. */
function everyQueryShape(): RunQuery[] {
  const queries: RunQuery[] = [];
  for (let mask = 0; mask < 32; mask++) {
    const query: RunQuery = { limit: 10 };
    if (mask & 1) query.functionId = "fn";
    if (mask & 2) query.phase = RUN_PHASES[0];
    if (mask & 4) query.from = 100;
    if (mask & 8) query.to = 500;
    if (mask & 16) queries.push({ ...query, after: { at: 900, id: "x" } });
    queries.push(mask & 16 ? { ...query, after: { at: 300, id: "x" } } : query);
  }
  return queries;
}
