import { ConflictError, type WaitRecord, type WaitStore } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

/** Runs paused on an event, in `waits`, indexed by the event name they expect. */
export class SqliteWaitStore implements WaitStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare("INSERT INTO waits (id, event, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      byEvent: db.prepare<[string], { body: string }>("SELECT body FROM waits WHERE event = ? ORDER BY id"),
      remove: db.prepare("DELETE FROM waits WHERE id = ?"),
    };
  }

  async putWait(wait: WaitRecord): Promise<void> {
    const { changes } = guard(`put wait ${wait.id}`, () => this.statements.insert.run(wait.id, wait.event, JSON.stringify(wait)));
    if (changes === 0) throw new ConflictError(`wait ${wait.id}: already exists`);
  }

  async listWaitsByEvent(event: string): Promise<WaitRecord[]> {
    return guard(`list waits for ${event}`, () => this.statements.byEvent.all(event)).map((row) => parseBody<WaitRecord>(row.body));
  }

  async deleteWait(id: string): Promise<boolean> {
    // `changes` tells the one caller whose DELETE removed the row that it won the resume.
    return guard(`delete wait ${id}`, () => this.statements.remove.run(id).changes > 0);
  }
}
