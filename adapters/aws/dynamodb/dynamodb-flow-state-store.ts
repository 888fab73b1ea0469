import { ConflictError, type ExpectedVersion, type FlowItem, type FlowStateStore } from "../../../core";
import { versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import type { Item } from "./items";
import { keys, ttlSeconds } from "./keys";
import { TTL_ATTRIBUTE } from "./table";

/**
 * Keyed flow-control state, one item per key (`FLOW#<key>` / `FLOW`). Items are returned even
 * past `expiresAt`: TTL deletes up to days late, so expiry is the core's decision and the
 * store only keeps the time (and gives DynamoDB the `ttl` to collect the item eventually).
 */
export class DynamoDbFlowStateStore implements FlowStateStore {
  constructor(private readonly table: DynamoTable) {}

  async getState<T>(key: string): Promise<FlowItem<T> | undefined> {
    const item = await this.table.get(`get flow state ${key}`, keys.flow(key));
    if (!item) return undefined;
    const state: FlowItem<T> = { key, value: (JSON.parse(String(item.body)) as { value: T }).value, version: Number(item.version) };
    if (item.expiresAt !== undefined) state.expiresAt = Number(item.expiresAt);
    return state;
  }

  /** One put of the whole item (so a write without expiry drops the old one), conditional on the version. */
  async putState<T>(key: string, value: T, expectedVersion: ExpectedVersion, expiresAt?: number): Promise<void> {
    // Wrapped so that any value, even `undefined`, survives the JSON round trip.
    const item: Item = { ...keys.flow(key), body: JSON.stringify({ value }), version: expectedVersion === null ? 1 : expectedVersion + 1 };
    if (expiresAt !== undefined) {
      item.expiresAt = expiresAt;
      item[TTL_ATTRIBUTE] = ttlSeconds(expiresAt);
    }
    await this.table.put(`put flow state ${key}`, item, versionCondition(expectedVersion));
  }

  async deleteState(key: string, expectedVersion: number): Promise<void> {
    try {
      await this.table.delete(`delete flow state ${key}`, keys.flow(key), versionCondition(expectedVersion));
    } catch (error) {
      if (error instanceof ConflictError) throw new ConflictError(`flow state ${key}: not at version ${expectedVersion}`, { cause: error });
      throw error;
    }
  }
}
