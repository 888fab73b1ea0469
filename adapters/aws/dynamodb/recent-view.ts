import type { DynamoTable } from "./dynamo-table";
import { keyId, type Item } from "./items";

/**
 * The newest `limit` records of a view, read through the recent index: each partition (shard)
 * is read newest first, the shards are merged by their `gsi1sk`, and the records themselves
 * come from the base table (the index holds keys only), so each shows its latest state. The
 * index lags behind writes: a record stored a moment ago may be missing, which a view allows.
 */
export async function newestFirst(table: DynamoTable, what: string, partitions: string[], limit: number): Promise<Item[]> {
  if (limit <= 0) return [];
  const pages = await Promise.all(partitions.map((partition) => table.query(what, { recentIndex: true, partition, descending: true, limit })));
  const newest = pages
    .flat()
    .sort((a, b) => (a.gsi1sk === b.gsi1sk ? 0 : String(a.gsi1sk) < String(b.gsi1sk) ? 1 : -1))
    .slice(0, limit)
    .map((entry) => ({ pk: String(entry.pk), sk: String(entry.sk) }));
  const records = await table.batchGet(what, newest);
  return newest.map((key) => records.get(keyId(key))).filter((item) => item !== undefined);
}
