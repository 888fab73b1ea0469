import type { PayloadStore } from "../../../core";
import { guard, type SqliteDatabase } from "./database";

/**
 * Payloads too large to keep inline (step outputs, batches), in `payloads`: the local stand-in
 * for the S3 bucket of a deployment. Objects are immutable (their key names their content), so
 * a repeated put keeps the first.
 */
export class SqlitePayloadStore implements PayloadStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      put: db.prepare("INSERT INTO payloads (key, expires_at, body) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"),
      get: db.prepare<[string], { body: string; expires_at: number | null }>("SELECT body, expires_at FROM payloads WHERE key = ?"),
    };
  }

  async put(key: string, body: string, expiresAt?: number): Promise<void> {
    guard(`put payload ${key}`, () => this.statements.put.run(key, expiresAt ?? null, body));
  }

  async get(key: string): Promise<string | undefined> {
    return guard(`get payload ${key}`, () => this.statements.get.get(key))?.body;
  }
}
