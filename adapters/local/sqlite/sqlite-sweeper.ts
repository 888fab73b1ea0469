import type { SqliteDatabase } from "./database";

/** How many expired rows one sweep removed. */
export interface SweepResult {
  externalIds: number;
  flowState: number;
}

/**
 * SQLite's stand-in for DynamoDB TTL: deletes sender-id claims and flow-control items
 * (idempotency keys, rate-limit windows, leases...) whose `expires_at` has passed. The core
 * already treats an expired item as absent, so removing it changes no decision; it only keeps a
 * long-lived dev database from growing with every key ever seen.
 */
export class SqliteSweeper {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      externalIds: db.prepare("DELETE FROM external_ids WHERE expires_at <= ?"),
      flowState: db.prepare("DELETE FROM flow_state WHERE expires_at IS NOT NULL AND expires_at <= ?"),
    };
  }

  sweep(now: number): SweepResult {
    return {
      externalIds: this.statements.externalIds.run(now).changes,
      flowState: this.statements.flowState.run(now).changes,
    };
  }
}
