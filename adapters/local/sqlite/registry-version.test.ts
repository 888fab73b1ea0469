import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { migrations, openDatabase } from "./database";
import { SqliteAppStore } from "./sqlite-app-store";

describe("sqlite registry version", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-registry-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is added to a dev database created before it existed, keeping its functions", async () => {
    const path = join(dir, "old.db");
    // A file as a ferry dev with only the first schema step left it.
    const old = new Database(path);
    old.exec(migrations[0] as string);
    old.pragma("user_version = 1");
    old.prepare("INSERT INTO functions (id, app_id, version, body) VALUES ('app-fn', 'app', 1, '{}')").run();
    old.close();

    const upgraded = openDatabase(path);
    try {
      expect(upgraded.pragma("user_version", { simple: true })).toBe(migrations.length);
      const apps = new SqliteAppStore(upgraded);
      expect(await apps.getRegistryVersion()).toBe(0);
      await apps.bumpRegistryVersion(0);
      expect(await apps.getRegistryVersion()).toBe(1);
      expect(await apps.listFunctions()).toHaveLength(1);
    } finally {
      upgraded.close();
    }
  });
});
