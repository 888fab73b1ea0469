import type { SkipRecord, SkipStore } from "../../../core";
import { ignoreConflict, versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf } from "./items";
import { keyPart, keys, timeKey } from "./keys";
import { newestFirst } from "./recent-view";

/**
 * Events deliberately not run: one item per event and function, in the event's partition
 * (`EVENT#<eventId>` / `SKIP#<functionId>`), and in the recent index under the function
 * (`SKIPS#<functionId>`, newest first) for the API.
 */
export class DynamoDbSkipStore implements SkipStore {
  constructor(private readonly table: DynamoTable) {}

  /** Create-if-absent: routing the same event again records nothing new, and the first skip stays. */
  async putSkip(skip: SkipRecord): Promise<void> {
    const item = {
      ...keys.skip(skip.eventId, skip.functionId),
      body: JSON.stringify(skip),
      gsi1pk: `SKIPS#${keyPart(skip.functionId)}`,
      gsi1sk: `${timeKey(skip.at)}#${keyPart(skip.eventId)}`,
    };
    await ignoreConflict(this.table.put(`put skip ${skip.eventId}/${skip.functionId}`, item, versionCondition(null)));
  }

  /** One strongly consistent query of the event's partition. */
  async listSkipsByEvent(eventId: string): Promise<SkipRecord[]> {
    const items = await this.table.query(`list skips of event ${eventId}`, { partition: keys.event(eventId).pk, sortKey: { beginsWith: "SKIP#" } });
    return items.map((item) => bodyOf<SkipRecord>(item));
  }

  /** The latest skips of a function, newest first, through the recent index (may lag). */
  async listSkipsByFunction(functionId: string, limit: number): Promise<SkipRecord[]> {
    const items = await newestFirst(this.table, `list skips of function ${functionId}`, `SKIPS#${keyPart(functionId)}`, limit);
    return items.map((item) => bodyOf<SkipRecord>(item));
  }
}
