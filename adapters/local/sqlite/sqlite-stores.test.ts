import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { ConflictError } from "../../../core";
import {
  aRun,
  anEvent,
  describeAppStoreContract,
  describeBacklogStoreContract,
  describeEventStoreContract,
  describeFlowStateStoreContract,
  describePayloadStoreContract,
  describeRunStoreContract,
  describeSkipStoreContract,
  describeWaitStoreContract,
} from "../../contract";
import { openDatabase, type SqliteDatabase } from "./database";
import { GroupCommit } from "./group-commit";
import { createSqliteStores } from "./sqlite-stores";

const opened: SqliteDatabase[] = [];

/** Stores on a fresh in-memory database, closed when the file's tests end. */
function fresh() {
  const db = openDatabase(":memory:");
  opened.push(db);
  return createSqliteStores(db);
}

/** The same, with writes grouped into one transaction per turn, as the local engine runs them. */
function freshGrouped() {
  const db = openDatabase(":memory:");
  opened.push(db);
  new GroupCommit(db);
  return createSqliteStores(db);
}

afterAll(() => {
  for (const db of opened) db.close();
});

describeEventStoreContract("sqlite", () => fresh().events);
describeRunStoreContract("sqlite", () => fresh().runs);
describeAppStoreContract("sqlite", () => fresh().apps);
describeWaitStoreContract("sqlite", () => fresh().waits);
describeFlowStateStoreContract("sqlite", () => fresh().flow);
describeBacklogStoreContract("sqlite", () => fresh().backlog);
describeSkipStoreContract("sqlite", () => fresh().skips);
describePayloadStoreContract("sqlite", () => fresh().payloads);
// Conflicts and "create if absent" must hold inside an open group too (transactions nest as savepoints).
describeRunStoreContract("sqlite, grouped commits", () => freshGrouped().runs);
describeFlowStateStoreContract("sqlite, grouped commits", () => freshGrouped().flow);
describeEventStoreContract("sqlite, grouped commits", () => freshGrouped().events);

describe("sqlite database file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-sqlite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("persists records across close and reopen, in WAL mode", async () => {
    const path = join(dir, "ferry.db");
    const first = openDatabase(path);
    expect(first.pragma("journal_mode", { simple: true })).toBe("wal");
    const stores = createSqliteStores(first);
    await stores.events.putEvent(anEvent());
    await stores.runs.putRun(aRun(), null);
    await stores.flow.putState("k", { n: 1 }, null, 99);
    first.close();

    // Reopening runs the migrations again; they must see the schema is current and keep the data.
    const second = openDatabase(path);
    try {
      expect(second.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(second.pragma("user_version", { simple: true })).toBeGreaterThan(0);
      const again = createSqliteStores(second);
      expect(await again.events.getEvent("01EVENT")).toEqual(anEvent());
      expect(await again.runs.getRun("01RUN")).toEqual(aRun());
      expect(await again.runs.listRunsByEvent("01EVENT")).toHaveLength(1);
      expect(await again.flow.getState("k")).toEqual({ key: "k", value: { n: 1 }, version: 1, expiresAt: 99 });
      await expect(again.runs.putRun(aRun(), null)).rejects.toBeInstanceOf(ConflictError);
    } finally {
      second.close();
    }
  });

  it("refuses a second owner of the same file, so two engines never dispatch one queue", () => {
    const path = join(dir, "owned.db");
    const owner = openDatabase(path);
    try {
      expect(() => openDatabase(path)).toThrow(/is locked by another connection/);
    } finally {
      owner.close();
    }
    openDatabase(path).close(); // free again once the owner closed it
  });

  it("creates the jobs table the queue uses", () => {
    const db = openDatabase(":memory:");
    try {
      const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('jobs')").all().map((c) => c.name);
      expect(columns).toEqual(["seq", "timer_id", "run_at", "job", "deliveries", "leased_until", "grp"]);
    } finally {
      db.close();
    }
  });

  it("reports driver failures as engine errors, never driver types", async () => {
    const db = openDatabase(":memory:");
    const stores = createSqliteStores(db);
    db.close();
    const failure = await stores.events.getEvent("x").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe("FerryError");
  });
});
