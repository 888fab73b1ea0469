import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { FerryError } from "../../../core";
import { GroupCommit } from "./group-commit";

/**
 * Group commit on a real WAL file, watched through a second connection, which sees only what is
 * committed (the engine's own file is exclusive; these tests open it shared to look in).
 */
describe("GroupCommit", () => {
  let dir: string;
  let writer: Database.Database;
  let reader: Database.Database;
  let scheduled: Array<() => void>;
  let failures: FerryError[];
  let group: GroupCommit;

  const committedRows = () => (reader.prepare("SELECT v FROM t ORDER BY v").all() as { v: string }[]).map((row) => row.v);
  const runScheduled = () => {
    for (const commit of scheduled.splice(0)) commit();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ferry-group-"));
    writer = new Database(join(dir, "db.sqlite"));
    writer.pragma("journal_mode = WAL");
    writer.exec("CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE t (v TEXT PRIMARY KEY, parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
    writer.pragma("foreign_keys = ON");
    reader = new Database(join(dir, "db.sqlite"), { readonly: true });
    scheduled = [];
    failures = [];
    group = new GroupCommit(writer, { schedule: (commit) => scheduled.push(commit), onFailure: (error) => failures.push(error) });
  });
  afterEach(() => {
    writer.close();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds every write of a turn in one transaction and commits them together when scheduled", () => {
    const insert = writer.prepare("INSERT INTO t (v) VALUES (?)");
    insert.run("a");
    insert.run("b");
    expect(group.pending).toBe(true);
    expect(scheduled).toHaveLength(1); // one commit for the whole group
    expect(committedRows()).toEqual([]);
    expect(writer.prepare("SELECT COUNT(*) AS n FROM t").get()).toEqual({ n: 2 }); // the writer reads its own writes
    runScheduled();
    expect(group.pending).toBe(false);
    expect(committedRows()).toEqual(["a", "b"]);
  });

  it("commits on demand, before anything leaves the process, and the scheduled commit then has nothing to do", () => {
    writer.prepare("INSERT INTO t (v) VALUES (?)").run("a");
    group.commit();
    expect(committedRows()).toEqual(["a"]);
    runScheduled();
    writer.prepare("INSERT INTO t (v) VALUES (?)").run("b");
    expect(scheduled).toHaveLength(1); // the next write opened a new group
    runScheduled();
    expect(committedRows()).toEqual(["a", "b"]);
  });

  it("resolves durable() with the commit of the group holding the writes so far, and at once when none is open", async () => {
    await expect(group.durable()).resolves.toBeUndefined();
    writer.prepare("INSERT INTO t (v) VALUES (?)").run("a");
    let durable = false;
    const waiting = group.durable().then(() => (durable = true));
    await Promise.resolve();
    expect(durable).toBe(false);
    runScheduled();
    await waiting;
    expect(committedRows()).toEqual(["a"]);
  });

  it("rejects durable() when the group's commit fails", async () => {
    writer.prepare("INSERT INTO t (v, parent) VALUES (?, ?)").run("orphan", "no-such-parent");
    const waiting = group.durable();
    runScheduled();
    await expect(waiting).rejects.toThrow(/could not commit/);
  });

  it("leaves reads outside any group", () => {
    writer.prepare("SELECT COUNT(*) AS n FROM t").get();
    expect(group.pending).toBe(false);
    expect(writer.inTransaction).toBe(false);
  });

  it("makes statements that write and return rows (RETURNING) join the group", () => {
    const row = writer.prepare("INSERT INTO t (v) VALUES (?) RETURNING v").get("r");
    expect(row).toEqual({ v: "r" });
    expect(group.pending).toBe(true);
    runScheduled();
    expect(committedRows()).toEqual(["r"]);
  });

  it("nests a transaction function as a savepoint: its failure undoes its own writes, not the group's", () => {
    const insert = writer.prepare("INSERT INTO t (v) VALUES (?)");
    const both = writer.transaction((first: string, second: string) => {
      insert.run(first);
      insert.run(second);
    });
    insert.run("a");
    expect(() => both("b", "a")).toThrow(/UNIQUE/); // "b" is undone with the failed "a"
    both("c", "d");
    runScheduled();
    expect(committedRows()).toEqual(["a", "c", "d"]);
  });

  it("rolls the whole group back when its commit fails, reports it, and starts clean on the next write", () => {
    const insert = writer.prepare("INSERT INTO t (v, parent) VALUES (?, ?)");
    insert.run("a", null);
    insert.run("orphan", "no-such-parent"); // a deferred key: only COMMIT finds it
    runScheduled();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/could not commit.*FOREIGN KEY.*rolled back/);
    expect(writer.inTransaction).toBe(false);
    expect(committedRows()).toEqual([]); // nothing half-written: "a" went with the group
    insert.run("b", null);
    runScheduled();
    expect(committedRows()).toEqual(["b"]);
  });

  it("loses the open group when the connection is closed under it, as a crash would, and its commit then does nothing", () => {
    writer.prepare("INSERT INTO t (v) VALUES (?)").run("lost");
    writer.close();
    expect(() => runScheduled()).not.toThrow();
    expect(failures).toEqual([]);
    expect(committedRows()).toEqual([]);
    writer = new Database(join(dir, "db.sqlite")); // for afterEach
  });

  it("throws by default when a commit fails, so the process stops instead of going on without the lost writes", () => {
    const strict = new Database(":memory:");
    strict.exec("CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE t (v TEXT, parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
    strict.pragma("foreign_keys = ON");
    const commits: Array<() => void> = [];
    new GroupCommit(strict, { schedule: (commit) => commits.push(commit) });
    strict.prepare("INSERT INTO t (v, parent) VALUES (?, ?)").run("orphan", "none");
    expect(() => commits[0]?.()).toThrow(FerryError);
    strict.close();
  });
});
