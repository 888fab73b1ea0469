import { randomBytes } from "node:crypto";
import { ConflictError, type BacklogEntry, type BacklogStore, type Job } from "../../../core";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf, keyId, type Item } from "./items";
import { keys } from "./keys";

/**
 * Jobs parked per concurrency key, in the key's partition (`BACKLOG#<key>`), as two items per
 * entry: the entry by id (`E#<id>`, whose `order` names the other item) and the entry in score
 * order (`S#<score>#<id>#<nonce>`, holding the job). Peeking must see a job parked a moment
 * ago (a parker wakes itself if a slot just freed), so the order lives in the base table,
 * read strongly consistently, not in an index. The nonce makes every park its own order item,
 * so an order item is valid exactly while its entry still names it.
 */
export class DynamoDbBacklogStore implements BacklogStore {
  constructor(private readonly table: DynamoTable) {}

  /**
   * Order item first, then the entry naming it (replacing an earlier park of the same id), then
   * the earlier order item goes. A crash or a race leaves at most an order item no entry names,
   * which `peek` skips and `count` never counts.
   */
  async park(entry: BacklogEntry): Promise<void> {
    const what = `park ${entry.key}/${entry.id}`;
    const order = keys.backlogOrder(entry.key, entry.score, entry.id, randomBytes(6).toString("hex"));
    await this.table.put(what, { ...order, id: entry.id, score: entry.score, body: JSON.stringify(entry.job) });
    const replaced = await this.table.put(what, { ...keys.backlogEntry(entry.key, entry.id), order: order.sk }, undefined, { returnOld: true });
    if (replaced?.order !== undefined && replaced.order !== order.sk) {
      await this.table.delete(what, { pk: order.pk, sk: String(replaced.order) });
    }
  }

  /**
   * Order items lowest score first, each checked against its entry (one consistent batch read
   * per page), until `limit` valid ones are found.
   */
  async peek(key: string, limit: number): Promise<BacklogEntry[]> {
    const what = `peek backlog ${key}`;
    const found: BacklogEntry[] = [];
    if (limit <= 0) return found;
    for await (const page of this.table.pages(what, { partition: keys.backlog(key), sortKey: { beginsWith: "S#" }, pageSize: Math.min(limit, 100) })) {
      const entries = await this.table.batchGet(what, page.map((item) => keys.backlogEntry(key, String(item.id))));
      for (const item of page) {
        if (entries.get(keyId(keys.backlogEntry(key, String(item.id))))?.order !== item.sk) continue;
        found.push(toEntry(key, item));
        if (found.length === limit) return found;
      }
    }
    return found;
  }

  /** The conditional delete of the entry picks the one winner; its order item goes after. */
  async remove(key: string, id: string): Promise<boolean> {
    const what = `remove ${key}/${id}`;
    let removed: Item | undefined;
    try {
      const exists = { expression: "attribute_exists(#pk)", names: { "#pk": "pk" } };
      removed = await this.table.delete(what, keys.backlogEntry(key, id), exists, { returnOld: true });
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
    if (removed?.order !== undefined) await this.table.delete(what, { pk: keys.backlog(key), sk: String(removed.order) });
    return true;
  }

  /** Counts the entries (not the order items), one consistent COUNT query paged through. */
  async count(key: string): Promise<number> {
    return this.table.count(`count backlog ${key}`, { partition: keys.backlog(key), sortKey: { beginsWith: "E#" } });
  }
}

function toEntry(key: string, item: Item): BacklogEntry {
  return { key, id: String(item.id), score: Number(item.score), job: bodyOf<Job>(item) };
}
