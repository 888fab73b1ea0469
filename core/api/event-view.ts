import type { FerryEvent, StoredEvent } from "../model/event";
import { isoTime } from "./iso-time";

/** An event as the REST API shows it (Inngest's v1 fields). */
export interface EventView {
  id: string;
  internal_id: string;
  name: string;
  data: Record<string, unknown>;
  user: Record<string, unknown>;
  ts: number;
  /** When the engine accepted it; null for an event known only from a run (a replayed or invoked one). */
  received_at: string | null;
}

/** Maps a stored event, or an event as a run keeps it, to the API shape. */
export function toEventView(event: StoredEvent | FerryEvent): EventView {
  return {
    id: event.id,
    internal_id: event.id,
    name: event.name,
    data: event.data,
    user: event.user,
    ts: event.ts,
    received_at: "receivedAt" in event ? isoTime(event.receivedAt) : null,
  };
}
