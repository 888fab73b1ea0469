import type { EventQuery, EventStore, Page, StoredEvent } from "../../../core";
import { guard, parseBody, type SqliteDatabase } from "./database";
import { NewestFirst } from "./newest-first";

interface BodyRow {
  body: string;
}

/** Accepted events and sender-id claims, in the `events` and `external_ids` tables. */
export class SqliteEventStore implements EventStore {
  private readonly statements;
  private readonly listing;

  constructor(db: SqliteDatabase) {
    this.statements = {
      // Ids are ULIDs, so a repeated put can only be the same event written again: keep the first.
      put: db.prepare("INSERT INTO events (id, name, received_at, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      get: db.prepare<[string], BodyRow>("SELECT body FROM events WHERE id = ?"),
      since: db.prepare<[string, number], BodyRow>("SELECT body FROM events WHERE name = ? AND received_at >= ? ORDER BY received_at, id"),
      // One statement decides the claim: a free, expired or own claim is (re)taken; a live
      // claim of another event is left alone and reported through `changes === 0`.
      claim: db.prepare(
        `INSERT INTO external_ids (external_id, event_id, expires_at) VALUES (@externalId, @eventId, @expiresAt)
         ON CONFLICT (external_id) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at
         WHERE external_ids.expires_at <= @now OR external_ids.event_id = excluded.event_id`,
      ),
      holder: db.prepare<[string], { event_id: string }>("SELECT event_id FROM external_ids WHERE external_id = ?"),
    };
    this.listing = new NewestFirst(db, "events", "received_at");
  }

  async putEvent(event: StoredEvent): Promise<void> {
    guard(`put event ${event.id}`, () => this.statements.put.run(event.id, event.name, event.receivedAt, JSON.stringify(event)));
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const row = guard(`get event ${id}`, () => this.statements.get.get(id));
    return row ? parseBody<StoredEvent>(row.body) : undefined;
  }

  async findEventsSince(name: string, since: number): Promise<StoredEvent[]> {
    const rows = guard(`find events ${name}`, () => this.statements.since.all(name, since));
    return rows.map((row) => parseBody<StoredEvent>(row.body));
  }

  async claimExternalId(externalId: string, eventId: string, now: number, expiresAt: number): Promise<string | undefined> {
    return guard(`claim external id ${externalId}`, () => {
      const { changes } = this.statements.claim.run({ externalId, eventId, now, expiresAt });
      if (changes > 0) return undefined;
      return this.statements.holder.get(externalId)?.event_id;
    });
  }

  async listEvents(query: EventQuery): Promise<Page<StoredEvent>> {
    return this.listing.page<StoredEvent>("list events", { index: "events_listed", equal: {}, after: query.after, limit: query.limit });
  }
}
