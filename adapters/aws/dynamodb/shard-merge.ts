import type { DynamoTable, SortKeyRange } from "./dynamo-table";
import type { Item } from "./items";
import { compareKeys } from "./keys";

interface Shard {
  pages: AsyncGenerator<Item[]>;
  /** Entries read and not taken yet, newest first. */
  buffer: Item[];
  done: boolean;
}

/**
 * The entries of several partitions of the recent index, newest first across all of them (a
 * k-way merge by `gsi1sk`): each partition is read newest first, a page at a time as its
 * entries are used up. Entries read but never taken are dropped with the merge, so a listing
 * that goes on later must start every partition strictly below the last entry taken, which is
 * the only position the merged order vouches for: every entry above it in any partition was
 * taken before it.
 */
export class ShardMerge {
  private readonly shards: Shard[];

  constructor(table: DynamoTable, what: string, partitions: string[], range: SortKeyRange, pageSize: number) {
    this.shards = partitions.map((partition) => ({
      pages: table.pages(what, { recentIndex: true, partition, sortKey: range, descending: true, pageSize }),
      buffer: [],
      done: false,
    }));
  }

  /** The next entry without taking it; undefined once every partition is used up. */
  async peek(): Promise<Item | undefined> {
    return (await this.newest())?.buffer[0];
  }

  /** Takes up to `count` entries, newest first (fewer only when every partition is used up). */
  async take(count: number): Promise<Item[]> {
    const taken: Item[] = [];
    while (taken.length < count) {
      const shard = await this.newest();
      if (!shard) break;
      taken.push(shard.buffer.shift() as Item);
    }
    return taken;
  }

  /** The shard whose next entry is the newest, its buffer filled (the empty ones read in parallel). */
  private async newest(): Promise<Shard | undefined> {
    await Promise.all(this.shards.filter((shard) => shard.buffer.length === 0 && !shard.done).map(fill));
    let newest: Shard | undefined;
    for (const shard of this.shards) {
      const head = shard.buffer[0];
      if (head && (!newest || compareKeys(String(head.gsi1sk), String(newest.buffer[0]?.gsi1sk)) > 0)) newest = shard;
    }
    return newest;
  }
}

/** Reads pages until the shard has an entry or is used up (a page can come back empty). */
async function fill(shard: Shard): Promise<void> {
  while (shard.buffer.length === 0 && !shard.done) {
    const page = await shard.pages.next();
    if (page.done) shard.done = true;
    else shard.buffer.push(...page.value);
  }
}
