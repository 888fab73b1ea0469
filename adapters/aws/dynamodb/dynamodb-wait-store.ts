import { ConflictError, type WaitRecord, type WaitStore } from "../../../core";
import { versionCondition } from "./conditions";
import type { DynamoTable } from "./dynamo-table";
import { bodyOf } from "./items";
import { keys, ttlSeconds } from "./keys";
import { TTL_ATTRIBUTE } from "./table";

/**
 * How long past its expiry a wait's items stay before TTL collects them. The core decides
 * expiry itself (a timeout job ends the wait); TTL only removes leftovers, so it waits long.
 */
const WAIT_TTL_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Runs paused on an event. A wait is the item in its event name's partition (`WAITS#<event>`
 * / `<id>`), which events read and whose conditional delete decides who resumes it, plus a
 * pointer by id (`WAIT#<id>`) naming that partition, since `deleteWait` only gets the id.
 */
export class DynamoDbWaitStore implements WaitStore {
  constructor(private readonly table: DynamoTable) {}

  /**
   * The pointer first (idempotent: refused only if it points at another event name), the wait
   * last (create-if-absent). A crash in between leaves a pointer to nothing, which no reader
   * misreads, and the retried put completes the wait.
   */
  async putWait(wait: WaitRecord): Promise<void> {
    const ttl = ttlSeconds(wait.expiresAt + WAIT_TTL_GRACE_MS);
    const pointer = { ...keys.waitPointer(wait.id), event: wait.event, [TTL_ATTRIBUTE]: ttl };
    const samePointer = { expression: "attribute_not_exists(#pk) OR #event = :event", names: { "#pk": "pk", "#event": "event" }, values: { ":event": wait.event } };
    await this.table.put(`put wait pointer ${wait.id}`, pointer, samePointer);
    const item = { ...keys.wait(wait.event, wait.id), body: JSON.stringify(wait), [TTL_ATTRIBUTE]: ttl };
    await this.table.put(`put wait ${wait.id}`, item, versionCondition(null));
  }

  /** One strongly consistent query of the event name's partition, by wait id. */
  async listWaitsByEvent(event: string): Promise<WaitRecord[]> {
    const items = await this.table.query(`list waits for ${event}`, { partition: keys.waitsFor(event) });
    return items.map((item) => bodyOf<WaitRecord>(item));
  }

  /**
   * The conditional delete of the wait itself picks the one winner. The pointer stays for TTL
   * to collect: deleting it could race a put of the same wait and leave that wait without one.
   */
  async deleteWait(id: string): Promise<boolean> {
    const pointer = await this.table.get(`read wait pointer ${id}`, keys.waitPointer(id));
    if (!pointer) return false;
    try {
      const exists = { expression: "attribute_exists(#pk)", names: { "#pk": "pk" } };
      await this.table.delete(`delete wait ${id}`, keys.wait(String(pointer.event), id), exists);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }
}
