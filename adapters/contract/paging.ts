import { expect } from "@jest/globals";
import type { Page, PageCursor } from "../../core";

/**
 * Every page of a listing, following `next` until it is absent, each checked to keep to
 * `limit`. Pages may be short (even empty) before the end: a store that filters what it reads
 * stops after a bounded amount of reading.
 */
export async function allPages<T>(limit: number, list: (after: PageCursor | undefined) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let after: PageCursor | undefined;
  do {
    const page = await list(after);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    after = page.next;
    if (pages.length > 1000) throw new Error("the listing never ends");
  } while (after);
  return pages;
}

/** Ids newest first, as listings order them: by time descending, then id descending. */
export function newestFirstIds<T extends { id: string }>(records: T[], at: (record: T) => number): string[] {
  return [...records].sort((a, b) => at(b) - at(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((record) => record.id);
}
