import type { EventStore, RunQuery, RunRecord, RunStore, StoredEvent } from "../../core";

/** Every run a store lists (all its pages, newest first), for tests that look at all of them. */
export async function allRuns(runs: RunStore, query: Omit<RunQuery, "limit" | "after"> = {}): Promise<RunRecord[]> {
  const all: RunRecord[] = [];
  let page = await runs.listRuns({ ...query, limit: 1000 });
  all.push(...page.items);
  while (page.next) {
    page = await runs.listRuns({ ...query, limit: 1000, after: page.next });
    all.push(...page.items);
  }
  return all;
}

/** Every event a store lists (all its pages, newest first). */
export async function allEvents(events: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let page = await events.listEvents({ limit: 1000 });
  all.push(...page.items);
  while (page.next) {
    page = await events.listEvents({ limit: 1000, after: page.next });
    all.push(...page.items);
  }
  return all;
}
