import { ValidationError } from "../errors";
import type { EventInput, FerryEvent } from "../model/event";
import type { EngineDeps } from "./deps";
import { routeEvent } from "./route-event";

/** Most events one request may carry (as Inngest's event API). */
export const MAX_EVENTS_PER_REQUEST = 5000;

/** Result of accepting events: one id per input, in order (a duplicate gets the original's id). */
export interface IngestResult {
  ids: string[];
}

/**
 * Validates every event of a request before storing any, so a bad request is refused whole
 * and nothing of it is half-accepted. Throws ValidationError naming the bad field.
 */
export function validateEvents(payload: unknown, maxEventBytes: number): EventInput[] {
  const list = Array.isArray(payload) ? payload : [payload];
  if (list.length === 0) throw new ValidationError("no events in request body", "body");
  if (list.length > MAX_EVENTS_PER_REQUEST) {
    throw new ValidationError(`too many events in one request: ${list.length} (at most ${MAX_EVENTS_PER_REQUEST})`, "body");
  }
  return list.map((raw, index) => validateEvent(raw, Array.isArray(payload) ? `[${index}]` : "", maxEventBytes));
}

function validateEvent(raw: unknown, at: string, maxEventBytes: number): EventInput {
  const where = (field: string) => (at ? `${at}.${field}` : field);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ValidationError(`event${at} must be a JSON object`, at || "body");
  const event = raw as Record<string, unknown>;
  if (typeof event.name !== "string" || event.name.trim() === "") {
    throw new ValidationError(`event${at} is missing "name" (a non-empty string)`, where("name"));
  }
  if (event.data !== undefined && event.data !== null && (typeof event.data !== "object" || Array.isArray(event.data))) {
    throw new ValidationError(`event${at} "data" must be an object`, where("data"));
  }
  if (event.user !== undefined && event.user !== null && (typeof event.user !== "object" || Array.isArray(event.user))) {
    throw new ValidationError(`event${at} "user" must be an object`, where("user"));
  }
  if (event.id !== undefined && event.id !== null && (typeof event.id !== "string" || event.id === "")) {
    throw new ValidationError(`event${at} "id" must be a non-empty string`, where("id"));
  }
  if (event.ts !== undefined && event.ts !== null && (typeof event.ts !== "number" || !Number.isFinite(event.ts))) {
    throw new ValidationError(`event${at} "ts" must be a number of milliseconds`, where("ts"));
  }
  const size = new TextEncoder().encode(JSON.stringify(raw)).length;
  if (size > maxEventBytes) throw new ValidationError(`event${at} is ${size} bytes; the limit is ${maxEventBytes}`, at || "body");
  return {
    name: event.name,
    data: (event.data ?? {}) as Record<string, unknown>,
    user: (event.user ?? {}) as Record<string, unknown>,
    id: (event.id as string | undefined) ?? undefined,
    ts: (event.ts as number | undefined) ?? undefined,
    v: typeof event.v === "string" ? event.v : undefined,
  };
}

/**
 * Accepts already-validated events: deduplicates sender ids for 24 h, stores each event, then
 * routes it (new runs, resumed waits). Stores before routing so a crash never loses an
 * acknowledged event's record.
 */
export async function ingestEvents(deps: EngineDeps, inputs: EventInput[]): Promise<IngestResult> {
  const ids: string[] = [];
  const accepted: FerryEvent[] = [];
  for (const input of inputs) {
    const now = deps.clock.now();
    const id = deps.ids.ulid();
    if (input.id) {
      const holder = await deps.events.claimExternalId(input.id, id, now, now + deps.settings.eventIdTtl);
      if (holder) {
        ids.push(holder);
        continue;
      }
    }
    const event: FerryEvent = { id, name: input.name, data: input.data ?? {}, user: input.user ?? {}, ts: input.ts ?? now };
    if (input.v) event.v = input.v;
    await deps.events.putEvent({ ...event, externalId: input.id, receivedAt: now });
    deps.observer.eventReceived?.(event.name, id);
    ids.push(id);
    accepted.push(event);
  }
  for (const event of accepted) await routeEvent(deps, event);
  return { ids };
}
