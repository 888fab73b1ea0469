import type { BacklogEntry, BacklogStore, Job } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

interface EntryRow {
  key: string;
  id: string;
  score: number;
  job: string;
}

/** Jobs parked per concurrency key, in `backlog`, indexed by (key, score, id). */
export class SqliteBacklogStore implements BacklogStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      // Re-parking the same job (same id) replaces its entry rather than duplicating it.
      park: db.prepare(
        "INSERT INTO backlog (key, id, score, job) VALUES (?, ?, ?, ?) ON CONFLICT (key, id) DO UPDATE SET score = excluded.score, job = excluded.job",
      ),
      // The id breaks score ties so every reader sees the same order.
      peek: db.prepare<[string, number], EntryRow>("SELECT key, id, score, job FROM backlog WHERE key = ? ORDER BY score, id LIMIT ?"),
      remove: db.prepare("DELETE FROM backlog WHERE key = ? AND id = ?"),
      count: db.prepare<[string], { count: number }>("SELECT COUNT(*) AS count FROM backlog WHERE key = ?"),
    };
  }

  async park(entry: BacklogEntry): Promise<void> {
    guard(`park ${entry.key}/${entry.id}`, () => this.statements.park.run(entry.key, entry.id, entry.score, JSON.stringify(entry.job)));
  }

  async peek(key: string, limit: number): Promise<BacklogEntry[]> {
    const rows = guard(`peek backlog ${key}`, () => this.statements.peek.all(key, limit));
    return rows.map((row) => ({ key: row.key, id: row.id, score: row.score, job: parseBody<Job>(row.job) }));
  }

  async remove(key: string, id: string): Promise<boolean> {
    // Only the DELETE that removed the row reports a change, so exactly one waker wins.
    return guard(`remove ${key}/${id}`, () => this.statements.remove.run(key, id).changes > 0);
  }

  async count(key: string): Promise<number> {
    return guard(`count backlog ${key}`, () => this.statements.count.get(key)?.count ?? 0);
  }
}
