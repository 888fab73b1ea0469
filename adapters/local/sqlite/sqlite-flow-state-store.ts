import { ConflictError, FerryError, type ExpectedVersion, type FlowItem, type FlowStateStore } from "../../../core";
import { LISTED_FLOW_KINDS, listedFlowKind } from "../../../core/ports/flow-stores";
import { guard, parseBody, type SqliteDatabase } from "./database";

interface StateRow {
  key: string;
  version: number;
  expires_at: number | null;
  body: string;
}

/**
 * Keyed flow-control state in `flow_state`. Items are returned even past `expiresAt`: expiry
 * is the core's decision (DynamoDB TTL deletes late), so the store only keeps the time.
 */
export class SqliteFlowStateStore implements FlowStateStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      get: db.prepare<[string], StateRow>("SELECT key, version, expires_at, body FROM flow_state WHERE key = ?"),
      // A range of the primary key: a prefix is every key from it up to (not including) `prefixEnd`.
      list: db.prepare<[string, string, number], StateRow>("SELECT key, version, expires_at, body FROM flow_state WHERE key >= ? AND key < ? ORDER BY key LIMIT ?"),
      insert: db.prepare("INSERT INTO flow_state (key, version, expires_at, body) VALUES (?, 1, ?, ?) ON CONFLICT (key) DO NOTHING"),
      update: db.prepare("UPDATE flow_state SET version = version + 1, expires_at = ?, body = ? WHERE key = ? AND version = ?"),
      remove: db.prepare("DELETE FROM flow_state WHERE key = ? AND version = ?"),
    };
  }

  async getState<T>(key: string): Promise<FlowItem<T> | undefined> {
    const row = guard(`get flow state ${key}`, () => this.statements.get.get(key));
    return row ? itemOf<T>(row) : undefined;
  }

  /** Only prefixes of a listed kind, as on DynamoDB, so what works here works there. */
  async listStates<T>(prefix: string, limit: number): Promise<FlowItem<T>[]> {
    if (!listedFlowKind(prefix)) throw new FerryError(`list flow state ${prefix}: only keys of ${LISTED_FLOW_KINDS.join(", ")} can be listed`);
    const rows = guard(`list flow state ${prefix}`, () => this.statements.list.all(prefix, prefixEnd(prefix), limit));
    return rows.map((row) => itemOf<T>(row));
  }

  async putState<T>(key: string, value: T, expectedVersion: ExpectedVersion, expiresAt?: number): Promise<void> {
    // Wrapped so that any value, even `undefined`, survives the JSON round trip.
    const body = JSON.stringify({ value });
    const expires = expiresAt ?? null;
    const { changes } = guard(`put flow state ${key}`, () =>
      expectedVersion === null
        ? this.statements.insert.run(key, expires, body)
        : this.statements.update.run(expires, body, key, expectedVersion),
    );
    if (changes === 0) {
      throw new ConflictError(`flow state ${key}: ${expectedVersion === null ? "already exists" : `not at version ${expectedVersion}`}`);
    }
  }

  async deleteState(key: string, expectedVersion: number): Promise<void> {
    const { changes } = guard(`delete flow state ${key}`, () => this.statements.remove.run(key, expectedVersion));
    if (changes === 0) throw new ConflictError(`flow state ${key}: not at version ${expectedVersion}`);
  }
}

function itemOf<T>(row: StateRow): FlowItem<T> {
  const item: FlowItem<T> = { key: row.key, value: parseBody<{ value: T }>(row.body).value, version: row.version };
  if (row.expires_at !== null) item.expiresAt = row.expires_at;
  return item;
}

/**
 * The least string above every string that starts with `prefix` in SQLite's text order (UTF-8
 * bytes, which is code point order): the prefix with its last code point moved up by one (a
 * U+10FFFF is dropped and the one before moved up instead). Not `prefix + "\uffff"`, which keys
 * with characters beyond U+FFFF (emoji) sort after. `listStates` prefixes hold a `:`, so some
 * code point can always move up.
 */
function prefixEnd(prefix: string): string {
  const points = Array.from(prefix, (char) => char.codePointAt(0) as number);
  while (points[points.length - 1] === 0x10ffff) points.pop();
  const last = (points.pop() as number) + 1;
  // The surrogates are no characters: the next one after U+D7FF is U+E000.
  return String.fromCodePoint(...points, last === 0xd800 ? 0xe000 : last);
}
