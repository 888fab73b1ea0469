import { createHash } from "node:crypto";
import { FerryError, type RunRecord } from "../../../core";
import type { Condition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf, keyId, type Item } from "./items";
import { keys, type Key } from "./keys";

/**
 * Runs whose events serialize to more than this many bytes keep them in an item of their own.
 * On-demand DynamoDB bills a write per started 1 KB of the item ($0.625 per million; a put is
 * billed at the larger of the old and new item), and a strongly consistent read per started
 * 4 KB ($0.125 per million). A run is rewritten on every step and read before each rewrite
 * (`mutateRun`), so about as often read as written. Splitting E bytes of events off saves at
 * least floor(E / 1 KB) write units on every rewrite and costs at most one read unit more per
 * read (the events item is a second GetItem, rounded up to 4 KB on its own) and one write more
 * at creation: from 1 KB on each step saves at least one $0.625 unit for at most one $0.125
 * unit; below it the saving is a fraction of a write unit, not worth a second round trip on
 * every read.
 */
export const EVENTS_ITEM_THRESHOLD_BYTES = 1024;

/** The run item's attribute holding the sort key of its events item; absent while the events are inline. */
export const EVENTS_ITEM_ATTRIBUTE = "eventsItem";

/** A run as stored: its item's `body`, and the item holding its events when they are split off. */
export interface RunItems {
  /** The record as JSON, with `events: []` when they are in `eventsItem`. */
  body: string;
  eventsItem?: Item & Key;
}

/**
 * Splits `run`'s events off when their JSON is over `thresholdBytes`. The events item is keyed
 * by the SHA-256 of that JSON, so writing it again writes the same item, and a creation of the
 * same run id with other events (refused by the run's create-if-absent condition) cannot
 * overwrite the events of the run that exists: it leaves an item nothing names.
 */
export function splitRun(run: RunRecord, thresholdBytes: number): RunItems {
  const events = JSON.stringify(run.events);
  if (Buffer.byteLength(events, "utf8") <= thresholdBytes) return { body: JSON.stringify(run) };
  const digest = createHash("sha256").update(events).digest("hex");
  return { body: JSON.stringify({ ...run, events: [] }), eventsItem: { ...keys.runEvents(run.id, digest), body: events } };
}

/**
 * The condition of an update that keeps the events split: the run is still at `expected` and
 * already names `eventsSk`, so the events item it names was written (before the run item that
 * first named it). A run whose events are still inline fails it too (see `DynamoDbRunStore`).
 */
export function splitUpdateCondition(expected: number, eventsSk: string): Condition {
  return {
    expression: "#version = :expected AND #eventsItem = :eventsItem",
    names: { "#version": "version", "#eventsItem": EVENTS_ITEM_ATTRIBUTE },
    values: { ":expected": expected, ":eventsItem": eventsSk },
  };
}

/** The run an item holds, its events read back with one consistent GetItem when they are split off. */
export async function runOf(table: DynamoTable, what: string, item: Item): Promise<RunRecord> {
  const key = eventsKeyOf(item);
  return joined(what, item, key && (await table.get(what, key)));
}

/** The runs `items` hold, in their order, the events of those split off read in one consistent batch. */
export async function runsOf(table: DynamoTable, what: string, items: Item[]): Promise<RunRecord[]> {
  const split = items.map(eventsKeyOf).filter((key) => key !== undefined);
  const found = split.length > 0 ? await table.batchGet(what, split) : new Map<string, Item>();
  return items.map((item) => {
    const key = eventsKeyOf(item);
    return joined(what, item, key && found.get(keyId(key)));
  });
}

function eventsKeyOf(item: Item): Key | undefined {
  const sk = item[EVENTS_ITEM_ATTRIBUTE];
  return sk === undefined ? undefined : { pk: String(item.pk), sk: String(sk) };
}

function joined(what: string, item: Item, eventsItem: Item | undefined): RunRecord {
  const run = bodyOf<RunRecord>(item);
  if (item[EVENTS_ITEM_ATTRIBUTE] === undefined) return run;
  // Never happens by the order of writes (events item first); say so rather than return a run without its events.
  if (!eventsItem) throw new FerryError(`${what}: run ${run.id} names events item ${String(item[EVENTS_ITEM_ATTRIBUTE])}, which is missing`);
  return { ...run, events: bodyOf<RunRecord["events"]>(eventsItem) };
}
