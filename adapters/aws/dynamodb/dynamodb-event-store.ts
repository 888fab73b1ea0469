import { ConflictError, type EventQuery, type EventStore, type Page, type StoredEvent } from "../../../core";
import { ignoreConflict, versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf, type Item } from "./items";
import { keys, recentPartitions, recentSortKey, shardOf, timeKeyFrom, ttlSeconds } from "./keys";
import { recentPage } from "./recent-view";
import { TTL_ATTRIBUTE } from "./table";

/**
 * Accepted events and sender-id claims. An event is two items: one in the partition of its
 * name (`EVNAME#<name>`, sorted by receipt time) for the waitForEvent look-back, and one under
 * its id (`EVENT#<id>`) for reads by id and, through the recent index, the dashboard.
 */
export class DynamoDbEventStore implements EventStore {
  constructor(private readonly table: DynamoTable) {}

  /**
   * The by-name item goes first and the by-id item last: ingestion treats an event found by id
   * as stored (and routes it), so by then the look-back must find it too. A crash between the
   * two leaves an event only the look-back sees; the retry stores it again (see `findEventsSince`).
   */
  async putEvent(event: StoredEvent): Promise<void> {
    // Ids are ULIDs: an item already there is the same event written again, and the first copy stays.
    const body = JSON.stringify(event);
    const byName = { ...keys.eventByName(event.name, event.receivedAt, event.id), body };
    await ignoreConflict(this.table.put(`put event ${event.id} by name`, byName, versionCondition(null)));
    const shard = shardOf(event.id);
    const byId = { ...keys.event(event.id), body, gsi1pk: `EVENTS#${shard}`, gsi1sk: recentSortKey(event.receivedAt, event.id) };
    await ignoreConflict(this.table.put(`put event ${event.id}`, byId, versionCondition(null)));
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const item = await this.table.get(`get event ${id}`, keys.event(id));
    return item ? bodyOf<StoredEvent>(item) : undefined;
  }

  /**
   * One strongly consistent query on the name's partition, from `since` on. An event stored
   * twice by a retried ingestion (under two receipt times) is listed once, at the earlier.
   */
  async findEventsSince(name: string, since: number): Promise<StoredEvent[]> {
    const items = await this.table.query(`find events ${name}`, { partition: keys.eventsNamed(name), sortKey: { atLeast: timeKeyFrom(since) } });
    const seen = new Set<string>();
    return items.map((item) => bodyOf<StoredEvent>(item)).filter((event) => !seen.has(event.id) && seen.add(event.id));
  }

  /** One conditional put decides the claim: a free, expired or own claim is (re)taken, a live one of another event is not. */
  async claimExternalId(externalId: string, eventId: string, now: number, expiresAt: number): Promise<string | undefined> {
    const claim: Item = { ...keys.claim(externalId), eventId, expiresAt, [TTL_ATTRIBUTE]: ttlSeconds(expiresAt) };
    const condition = {
      expression: "attribute_not_exists(#pk) OR #expiresAt <= :now OR #eventId = :eventId",
      names: { "#pk": "pk", "#expiresAt": "expiresAt", "#eventId": "eventId" },
      values: { ":now": now, ":eventId": eventId },
    };
    // The holder read after a refused claim can find nothing if TTL removed the claim in
    // between; then the claim is simply tried again.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.table.put(`claim external id ${externalId}`, claim, condition);
        return undefined;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
      const holder = await this.table.get(`read claim of ${externalId}`, keys.claim(externalId));
      if (holder) return String(holder.eventId);
    }
    throw new ConflictError(`claim external id ${externalId}: the claim kept changing`);
  }

  /** Through the recent index, its 8 shards merged newest first (see `recentPage`). */
  async listEvents(query: EventQuery): Promise<Page<StoredEvent>> {
    const page = await recentPage(this.table, "list events", { partitions: recentPartitions("EVENTS"), limit: query.limit, after: query.after });
    const items = page.records.map((item) => bodyOf<StoredEvent>(item));
    return page.next ? { items, next: page.next } : { items };
  }
}
