import type { PageCursor } from "../../../core";
import type { DynamoTable, SortKeyRange } from "./dynamo-table";
import { keyId, keyOf, type Item } from "./items";
import { compareKeys, positionOf, recentSortKey, timeKeyFrom } from "./keys";
import { ShardMerge } from "./shard-merge";

/**
 * Index entries one filtered listing call examines at most: a filter the index cannot apply
 * (it holds keys only) costs a base-table read per entry, so a page of rare matches stops
 * here, short, with a `next` to go on from.
 */
export const LIST_READ_BUDGET = 1000;

/** Which records a page of a recent view holds. */
export interface RecentQuery {
  /** The index partitions of the view (its shards), merged newest first. */
  partitions: string[];
  limit: number;
  /** Records at or after this time. */
  from?: number;
  /** Records before this time. */
  to?: number;
  after?: PageCursor;
  /** Keeps only the records it accepts (checked on each record's latest state). */
  accept?: (record: Item) => boolean;
  /** With `accept`: index entries examined at most. @default LIST_READ_BUDGET */
  readBudget?: number;
}

/** A page of records, and where the next one starts when more may follow. */
export interface RecentPage {
  records: Item[];
  next?: PageCursor;
}

/**
 * A page of a newest-first view through the recent index: the time bounds and the cursor are
 * key conditions on `gsi1sk`, the shards are merged (`ShardMerge`), and the records come from
 * the base table (the index holds keys only), so each shows its latest state. With `accept`,
 * entries are examined in order until `limit` records are accepted or `readBudget` entries were
 * examined; `next` is then the position of the last entry examined, so a page may be short and
 * still have a `next`. The index lags behind writes: a record stored a moment ago may be
 * missing, which a view allows.
 */
export async function recentPage(table: DynamoTable, what: string, query: RecentQuery): Promise<RecentPage> {
  const { accept, limit } = query;
  if (limit <= 0) return { records: [] };
  const budget = accept ? Math.max(1, query.readBudget ?? LIST_READ_BUDGET) : Number.POSITIVE_INFINITY;
  // Unfiltered, limit + 1 entries per shard fill the page and tell whether more follow, one
  // query per shard; filtered, each shard reads an even share of the budget at a time.
  const pageSize = (accept ? Math.ceil(budget / query.partitions.length) : limit) + 1;
  const merge = new ShardMerge(table, what, query.partitions, sortKeyRange(query), pageSize);
  const records: Item[] = [];
  let examined = 0;
  let chunk = 0;
  let last: Item | undefined;
  let leftOver = false;
  while (records.length < limit && examined < budget) {
    const wanted = limit - records.length;
    // Filtered, base items are read in chunks that grow while matches are rare (each is a
    // BatchGetItem round trip), never past the 100 keys of one call or the budget left.
    chunk = accept ? Math.min(100, budget - examined, Math.max(wanted, chunk * 2)) : wanted;
    const entries = await merge.take(chunk);
    if (entries.length === 0) break;
    const found = await table.batchGet(what, entries.map(keyOf));
    for (const entry of entries) {
      if (records.length === limit) {
        leftOver = true;
        break;
      }
      last = entry;
      examined++;
      // Absent: deleted since the index was read.
      const record = found.get(keyId(keyOf(entry)));
      if (record && (!accept || accept(record))) records.push(record);
    }
  }
  const more = leftOver || (await merge.peek()) !== undefined;
  return more && last ? { records, next: positionOf(String(last.gsi1sk)) } : { records };
}

/** The newest `limit` records of one unsharded view (a function's skips). */
export async function newestFirst(table: DynamoTable, what: string, partition: string, limit: number): Promise<Item[]> {
  return (await recentPage(table, what, { partitions: [partition], limit })).records;
}

/**
 * The `gsi1sk` range of a query: at or above `from`, below the tighter of `to` and the cursor.
 * Times are rounded up as in `timeKeyFrom`: stored times are whole, so "before 10.5" is
 * "below 11". A cursor off the whole times bounds by time alone.
 */
function sortKeyRange(query: RecentQuery): SortKeyRange {
  const { from, to, after } = query;
  const cursor = after && (Number.isSafeInteger(after.at) && after.at >= 0 ? recentSortKey(after.at, after.id) : timeKeyFrom(after.at));
  const below = [to === undefined ? undefined : timeKeyFrom(to), cursor].filter((bound) => bound !== undefined).sort(compareKeys)[0];
  return { atLeast: from === undefined ? undefined : timeKeyFrom(from), below };
}
