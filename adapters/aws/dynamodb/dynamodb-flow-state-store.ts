import { ConflictError, FerryError, type ExpectedVersion, type FlowItem, type FlowStateStore } from "../../../core";
import { LISTED_FLOW_KINDS, listedFlowKind } from "../../../core/ports/flow-stores";
import { versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { keyId, keyOf, type Item } from "./items";
import { compareKeys, keyPart, keys, ttlSeconds, utf8Prefix } from "./keys";
import { TTL_ATTRIBUTE } from "./table";

/**
 * Bytes of a flow key the index keeps as its sort key: under DynamoDB's 1,024 for a sort key,
 * and whole for any realistic prefix (`conc:fn:<function id>:`), so `begins_with` finds them.
 */
const INDEXED_KEY_BYTES = 900;

/**
 * Keyed flow-control state, one item per key (`FLOW#<key>` / `FLOW`). Items are returned even
 * past `expiresAt`: TTL deletes up to days late, so expiry is the core's decision and the
 * store only keeps the time (and gives DynamoDB the `ttl` to collect the item eventually).
 * Items of the `LISTED_FLOW_KINDS` are also in the recent index under `FLOWS#<kind>`, by key.
 */
export class DynamoDbFlowStateStore implements FlowStateStore {
  constructor(private readonly table: DynamoTable) {}

  async getState<T>(key: string): Promise<FlowItem<T> | undefined> {
    const item = await this.table.get(`get flow state ${key}`, keys.flow(key));
    return item ? flowItemOf<T>(key, item) : undefined;
  }

  /**
   * One put of the whole item (so a write without expiry drops the old one), conditional on the
   * version. The put replaces every attribute, so the index keys are written each time; they
   * never change, so only creating and deleting an item write the index.
   */
  async putState<T>(key: string, value: T, expectedVersion: ExpectedVersion, expiresAt?: number): Promise<void> {
    // Wrapped so that any value, even `undefined`, survives the JSON round trip.
    const item: Item = { ...keys.flow(key), body: JSON.stringify({ value }), version: expectedVersion === null ? 1 : expectedVersion + 1 };
    const kind = listedFlowKind(key);
    if (kind) {
      item.gsi1pk = `FLOWS#${kind}`;
      item.gsi1sk = utf8Prefix(key, INDEXED_KEY_BYTES);
      // A listing finds the key in `pk`, unless `keyPart` put its hash there.
      if (keyPart(key) !== key) item.key = key;
    }
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

  /**
   * Queries the kind's index partition with `begins_with` on the (cut) key, page by page, and
   * reads the items from the base table (latest values; an item deleted since is skipped).
   * Keys that share their first 900 bytes share an index sort key, in no set order, so reading
   * goes on past the `limit`-th match to the end of its group, and the matches are sorted.
   */
  async listStates<T>(prefix: string, limit: number): Promise<FlowItem<T>[]> {
    const what = `list flow state ${prefix}`;
    const kind = listedFlowKind(prefix);
    if (!kind) throw new FerryError(`${what}: only keys of ${LISTED_FLOW_KINDS.join(", ")} can be listed`);
    if (limit <= 0) return [];
    const query = { recentIndex: true, partition: `FLOWS#${kind}`, sortKey: { beginsWith: utf8Prefix(prefix, INDEXED_KEY_BYTES) }, pageSize: limit + 1 };
    const found: FlowItem<T>[] = [];
    // Set once `limit` items matched: the index sort key of the last one, whose group is read to its end.
    let group: string | undefined;
    for await (const page of this.table.pages(what, query)) {
      const cut = group === undefined ? -1 : page.findIndex((entry) => entry.gsi1sk !== group);
      const entries = cut < 0 ? page : page.slice(0, cut);
      const items = entries.length > 0 ? await this.table.batchGet(what, entries.map(keyOf)) : new Map<string, Item>();
      for (const entry of entries) {
        const item = items.get(keyId(keyOf(entry)));
        const key = item && String(item.key ?? String(item.pk).slice("FLOW#".length));
        if (!item || !key?.startsWith(prefix)) continue;
        found.push(flowItemOf<T>(key, item));
        if (found.length === limit) group = String(entry.gsi1sk);
      }
      if (group !== undefined && page[page.length - 1]?.gsi1sk !== group) break;
    }
    // Entries past the group sort after it (a cut key orders as the key does), so the sort keeps the first `limit`.
    return found.sort((a, b) => compareKeys(a.key, b.key)).slice(0, limit);
  }
}

function flowItemOf<T>(key: string, item: Item): FlowItem<T> {
  const state: FlowItem<T> = { key, value: (JSON.parse(String(item.body)) as { value: T }).value, version: Number(item.version) };
  if (item.expiresAt !== undefined) state.expiresAt = Number(item.expiresAt);
  return state;
}
