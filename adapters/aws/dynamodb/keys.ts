import { createHash } from "node:crypto";
import { FerryError, type PageCursor } from "../../../core";

/** A base-table key. */
export interface Key {
  pk: string;
  sk: string;
}

/** Recent-index partitions per view: spreads the index's writes over that many partitions. */
export const RECENT_SHARDS = 8;

/**
 * A user-given string (event name, flow key, sender id...) as a key part. DynamoDB caps a
 * partition key at 2048 bytes and a sort key at 1024, and user data has no such bound, so a
 * long value is replaced by its SHA-256 (the record keeps the real value in its body).
 */
export function keyPart(value: string): string {
  if (Buffer.byteLength(value, "utf8") <= 400) return value;
  return `sha256:${createHash("sha256").update(value).digest("hex")}`;
}

/** The longest start of `value` that fits in `maxBytes` of UTF-8, never cutting a character in two. */
export function utf8Prefix(value: string, maxBytes: number): string {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length <= maxBytes) return value;
  let end = maxBytes;
  // A continuation byte (10xxxxxx) at the cut means the character started before it.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

/** Epoch ms as 15 zero-padded digits, so string order is time order (up to the year 33658). */
export function timeKey(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new FerryError(`not a storable time: ${ms}`);
  return String(ms).padStart(15, "0");
}

/** A record's sort key in a newest-first view of the recent index: its time, then its id. */
export function recentSortKey(at: number, id: string): string {
  return `${timeKey(at)}#${keyPart(id)}`;
}

/** The listing position a `recentSortKey` stands for (its id as keyed: a hash for an id over 400 bytes, which `recentSortKey` keeps as is). */
export function positionOf(sortKey: string): PageCursor {
  return { at: Number(sortKey.slice(0, 15)), id: sortKey.slice(16) };
}

/**
 * DynamoDB's order of strings (their UTF-8 bytes, which is code point order), where JavaScript's
 * `<` compares UTF-16 units and puts U+E000..U+FFFF after the characters beyond U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 unit moved so that surrogates (characters beyond U+FFFF) rank above U+E000..U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  return unit >= 0xd800 ? unit + 0x2000 : unit;
}

/** The lower bound `timeKey` of "at or after `ms`", for any number (stored times are whole and never negative). */
export function timeKeyFrom(ms: number): string {
  return timeKey(Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.ceil(ms))));
}

/**
 * Any number (negative, fractional) as 16 hex digits whose string order is numeric order: the
 * IEEE 754 bits with the sign bit flipped for positives and every bit flipped for negatives.
 */
export function sortableNumber(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const ordered = bits >> 63n === 1n ? ~bits & 0xffff_ffff_ffff_ffffn : bits | 0x8000_0000_0000_0000n;
  return ordered.toString(16).padStart(16, "0");
}

/** Epoch ms to the epoch seconds DynamoDB TTL expects, rounded up so nothing goes early. */
export function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** The recent-index shard of a record id (FNV-1a): stable, so a record always lands on the same one. */
export function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) hash = Math.imul(hash ^ id.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % RECENT_SHARDS;
}

/** Every partition of a sharded recent view, e.g. `RUNS#0` .. `RUNS#7`. */
export function recentPartitions(view: "RUNS" | "EVENTS"): string[] {
  return Array.from({ length: RECENT_SHARDS }, (_, shard) => `${view}#${shard}`);
}

/**
 * Key of every item type. The partition key starts with the type (up to the first `#`), so
 * types never collide; see docs/aws-data-model.md for the whole layout.
 */
export const keys = {
  event: (id: string): Key => ({ pk: `EVENT#${keyPart(id)}`, sk: "EVENT" }),
  eventByName: (name: string, receivedAt: number, id: string): Key => ({ pk: `EVNAME#${keyPart(name)}`, sk: `${timeKey(receivedAt)}#${keyPart(id)}` }),
  eventsNamed: (name: string): string => `EVNAME#${keyPart(name)}`,
  runLink: (eventId: string, runId: string): Key => ({ pk: `EVENT#${keyPart(eventId)}`, sk: `RUN#${keyPart(runId)}` }),
  skip: (eventId: string, functionId: string): Key => ({ pk: `EVENT#${keyPart(eventId)}`, sk: `SKIP#${keyPart(functionId)}` }),
  claim: (externalId: string): Key => ({ pk: `EXTID#${keyPart(externalId)}`, sk: "EXTID" }),
  run: (id: string): Key => ({ pk: `RUN#${keyPart(id)}`, sk: "RUN" }),
  step: (runId: string, stepId: string): Key => ({ pk: `RUN#${keyPart(runId)}`, sk: `STEP#${keyPart(stepId)}` }),
  /** A run's events when split off its run item (`run-events-item.ts`), by the SHA-256 of their JSON. */
  runEvents: (runId: string, digest: string): Key => ({ pk: `RUN#${keyPart(runId)}`, sk: `EVENTS#${digest}` }),
  app: (id: string): Key => ({ pk: "APPS", sk: `APP#${keyPart(id)}` }),
  apps: (): string => "APPS",
  fn: (id: string): Key => ({ pk: "FUNCTIONS", sk: `FN#${keyPart(id)}` }),
  functions: (): string => "FUNCTIONS",
  registry: (): Key => ({ pk: "REGISTRY", sk: "VERSION" }),
  waitPointer: (id: string): Key => ({ pk: `WAIT#${keyPart(id)}`, sk: "WAIT" }),
  wait: (event: string, id: string): Key => ({ pk: `WAITS#${keyPart(event)}`, sk: keyPart(id) }),
  waitsFor: (event: string): string => `WAITS#${keyPart(event)}`,
  flow: (key: string): Key => ({ pk: `FLOW#${keyPart(key)}`, sk: "FLOW" }),
  backlogEntry: (key: string, id: string): Key => ({ pk: `BACKLOG#${keyPart(key)}`, sk: `E#${keyPart(id)}` }),
  backlogOrder: (key: string, score: number, id: string, nonce: string): Key => ({
    pk: `BACKLOG#${keyPart(key)}`,
    sk: `S#${sortableNumber(score)}#${keyPart(id)}#${nonce}`,
  }),
  backlog: (key: string): string => `BACKLOG#${keyPart(key)}`,
  timer: (id: string): Key => ({ pk: `TIMER#${keyPart(id)}`, sk: "TIMER" }),
  attempts: (messageId: string): Key => ({ pk: `ATTEMPTS#${keyPart(messageId)}`, sk: "ATTEMPTS" }),
};
