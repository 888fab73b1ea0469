import { ConflictError, type AppRecord, type AppStore, type ExpectedVersion, type FunctionRecord } from "../../../core";
import { versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf } from "./items";
import { keys } from "./keys";

/**
 * Apps (partition `APPS`), functions (partition `FUNCTIONS`) and the registry version (one item,
 * `REGISTRY` / `VERSION`). Apps and functions each share one partition, so listing them is one
 * strongly consistent query: a process that saw the registry version move must then read every
 * function that sync stored, which an eventually consistent index would not promise.
 */
export class DynamoDbAppStore implements AppStore {
  constructor(private readonly table: DynamoTable) {}

  async putApp(app: AppRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const item = { ...keys.app(app.id), body: JSON.stringify(app), version: app.version };
    await this.table.put(`put app ${app.id}`, item, versionCondition(expectedVersion));
  }

  async getApp(id: string): Promise<AppRecord | undefined> {
    const item = await this.table.get(`get app ${id}`, keys.app(id));
    return item ? bodyOf<AppRecord>(item) : undefined;
  }

  async listApps(): Promise<AppRecord[]> {
    const items = await this.table.query("list apps", { partition: keys.apps(), sortKey: { beginsWith: "APP#" } });
    return items.map((item) => bodyOf<AppRecord>(item));
  }

  async putFunction(fn: FunctionRecord, expectedVersion: ExpectedVersion): Promise<void> {
    const item = { ...keys.fn(fn.id), body: JSON.stringify(fn), version: fn.version };
    await this.table.put(`put function ${fn.id}`, item, versionCondition(expectedVersion));
  }

  async getFunction(id: string): Promise<FunctionRecord | undefined> {
    const item = await this.table.get(`get function ${id}`, keys.fn(id));
    return item ? bodyOf<FunctionRecord>(item) : undefined;
  }

  async listFunctions(): Promise<FunctionRecord[]> {
    const items = await this.table.query("list functions", { partition: keys.functions(), sortKey: { beginsWith: "FN#" } });
    return items.map((item) => bodyOf<FunctionRecord>(item));
  }

  /** A strongly consistent read of the one registry item; 0 while it does not exist. */
  async getRegistryVersion(): Promise<number> {
    const item = await this.table.get("get registry version", keys.registry());
    return item ? Number(item.version) : 0;
  }

  /** One conditional update; version 0 is the item not existing yet. */
  async bumpRegistryVersion(expected: number): Promise<void> {
    const atVersion = versionCondition(expected);
    const condition = expected === 0 ? { ...atVersion, expression: `attribute_not_exists(#pk) OR ${atVersion.expression}`, names: { ...atVersion.names, "#pk": "pk" } } : atVersion;
    try {
      await this.table.update("bump registry version", keys.registry(), { version: expected + 1 }, condition);
    } catch (error) {
      if (error instanceof ConflictError) throw new ConflictError(`registry version: not at version ${expected}`, { cause: error });
      throw error;
    }
  }
}
