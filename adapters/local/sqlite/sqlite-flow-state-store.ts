import { ConflictError, type ExpectedVersion, type FlowItem, type FlowStateStore } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

interface StateRow {
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
      get: db.prepare<[string], StateRow>("SELECT version, expires_at, body FROM flow_state WHERE key = ?"),
      insert: db.prepare("INSERT INTO flow_state (key, version, expires_at, body) VALUES (?, 1, ?, ?) ON CONFLICT (key) DO NOTHING"),
      update: db.prepare("UPDATE flow_state SET version = version + 1, expires_at = ?, body = ? WHERE key = ? AND version = ?"),
      remove: db.prepare("DELETE FROM flow_state WHERE key = ? AND version = ?"),
    };
  }

  async getState<T>(key: string): Promise<FlowItem<T> | undefined> {
    const row = guard(`get flow state ${key}`, () => this.statements.get.get(key));
    if (!row) return undefined;
    const item: FlowItem<T> = { key, value: parseBody<{ value: T }>(row.body).value, version: row.version };
    if (row.expires_at !== null) item.expiresAt = row.expires_at;
    return item;
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
