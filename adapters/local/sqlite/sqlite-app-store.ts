import { ConflictError, type AppRecord, type AppStore, type ExpectedVersion, type FunctionRecord } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

interface BodyRow {
  body: string;
}

interface VersionRow {
  version: number;
}

/** Registered apps (`apps`), functions (`functions`) and the registry version (`registry_version`, one row). */
export class SqliteAppStore implements AppStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insertApp: db.prepare("INSERT INTO apps (id, version, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      updateApp: db.prepare("UPDATE apps SET version = ?, body = ? WHERE id = ? AND version = ?"),
      getApp: db.prepare<[string], BodyRow>("SELECT body FROM apps WHERE id = ?"),
      listApps: db.prepare<[], BodyRow>("SELECT body FROM apps ORDER BY id"),
      insertFunction: db.prepare("INSERT INTO functions (id, app_id, version, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      updateFunction: db.prepare("UPDATE functions SET app_id = ?, version = ?, body = ? WHERE id = ? AND version = ?"),
      getFunction: db.prepare<[string], BodyRow>("SELECT body FROM functions WHERE id = ?"),
      listFunctions: db.prepare<[], BodyRow>("SELECT body FROM functions ORDER BY id"),
      getRegistryVersion: db.prepare<[], VersionRow>("SELECT version FROM registry_version WHERE id = 1"),
      bumpRegistryVersion: db.prepare("UPDATE registry_version SET version = version + 1 WHERE id = 1 AND version = ?"),
    };
  }

  async putApp(app: AppRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const body = JSON.stringify(app);
    const { changes } = guard(`put app ${app.id}`, () =>
      expectedVersion === null
        ? this.statements.insertApp.run(app.id, app.version, body)
        : this.statements.updateApp.run(app.version, body, app.id, expectedVersion),
    );
    if (changes === 0) throw conflict(`app ${app.id}`, expectedVersion);
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    const row = guard(`get app ${id}`, () => this.statements.getApp.get(id));
    return row ? parseBody<AppRecord>(row.body) : undefined;
  }

  async listApps(): Promise<AppRecord[]> {
    return guard("list apps", () => this.statements.listApps.all()).map((row) => parseBody<AppRecord>(row.body));
  }

  async putFunction(fn: FunctionRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const body = JSON.stringify(fn);
    const { changes } = guard(`put function ${fn.id}`, () =>
      expectedVersion === null
        ? this.statements.insertFunction.run(fn.id, fn.appId, fn.version, body)
        : this.statements.updateFunction.run(fn.appId, fn.version, body, fn.id, expectedVersion),
    );
    if (changes === 0) throw conflict(`function ${fn.id}`, expectedVersion);
  }

  async getFunction(id: string): Promise<FunctionRecord | undefined> {
    const row = guard(`get function ${id}`, () => this.statements.getFunction.get(id));
    return row ? parseBody<FunctionRecord>(row.body) : undefined;
  }

  async listFunctions(): Promise<FunctionRecord[]> {
    return guard("list functions", () => this.statements.listFunctions.all()).map((row) => parseBody<FunctionRecord>(row.body));
  }

  async getRegistryVersion(): Promise<number> {
    return guard("get registry version", () => this.statements.getRegistryVersion.get())?.version ?? 0;
  }

  async bumpRegistryVersion(expected: number): Promise<void> {
    const { changes } = guard("bump registry version", () => this.statements.bumpRegistryVersion.run(expected));
    if (changes === 0) throw new ConflictError(`registry version: not at version ${expected}`);
  }
}

function conflict(what: string, expectedVersion: ExpectedVersion): ConflictError {
  return new ConflictError(`${what}: ${expectedVersion === null ? "already exists" : `not at version ${expectedVersion}`}`);
}
