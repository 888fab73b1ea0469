import { matches } from "../expressions/cel";
import type { FerryEvent, StoredEvent } from "../model/event";
import type { WaitRecord } from "../model/wait";

/** True when an incoming event satisfies a wait's expression (`event` = trigger, `async` = incoming). */
export function waitMatches(wait: WaitRecord, incoming: FerryEvent): boolean {
  if (!wait.expression) return true;
  return matches(wait.expression, { event: wait.triggerEvent, async: incoming });
}

/** Strips storage-only fields so functions see exactly the wire shape. */
export function toWireEvent(event: FerryEvent | StoredEvent): FerryEvent {
  const { id, name, data, user, ts, v } = event;
  return v === undefined ? { id, name, data, user, ts } : { id, name, data, user, ts, v };
}
