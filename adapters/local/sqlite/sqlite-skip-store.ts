import type { SkipRecord, SkipStore } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";

interface BodyRow {
  body: string;
}

/** Events deliberately not run, in `skips`, indexed by event and by function. */
export class SqliteSkipStore implements SkipStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      // One skip per event and function: routing the same event again records nothing new.
      insert: db.prepare("INSERT INTO skips (event_id, function_id, at, body) VALUES (?, ?, ?, ?) ON CONFLICT (event_id, function_id) DO NOTHING"),
      byEvent: db.prepare<[string], BodyRow>("SELECT body FROM skips WHERE event_id = ? ORDER BY seq"),
      byFunction: db.prepare<[string, number], BodyRow>("SELECT body FROM skips WHERE function_id = ? ORDER BY at DESC, seq DESC LIMIT ?"),
    };
  }

  async putSkip(skip: SkipRecord): Promise<void> {
    guard(`put skip ${skip.eventId}`, () => this.statements.insert.run(skip.eventId, skip.functionId, skip.at, JSON.stringify(skip)));
  }

  /** Skips of an event, in the order they were recorded. */
  async listSkipsByEvent(eventId: string): Promise<SkipRecord[]> {
    return guard(`list skips of event ${eventId}`, () => this.statements.byEvent.all(eventId)).map((row) => parseBody<SkipRecord>(row.body));
  }

  /** The latest skips of a function, newest first. */
  async listSkipsByFunction(functionId: string, limit: number): Promise<SkipRecord[]> {
    const rows = guard(`list skips of function ${functionId}`, () => this.statements.byFunction.all(functionId, limit));
    return rows.map((row) => parseBody<SkipRecord>(row.body));
  }
}
