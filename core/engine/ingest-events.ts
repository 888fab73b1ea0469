import { ValidationError } from "../errors";
import type { EventInput, StoredEvent } from "../model/event";
import type { EngineDeps } from "./deps";

/** Most events one request may carry (as Inngest's event API). */
export const MAX_EVENTS_PER_REQUEST = 5000;

/** How a request sent its events. */
export interface IngestOptions {
  /**
   * The official SDK's `x-inngest-event-id-seed` (`<ms>,<entropy>`): one value per send, kept
   * across the SDK's own retries of that send. Events without an id are deduplicated by it and
   * their position, so a retried request whose answer was lost adds nothing.
   */
  idSeed?: string;
}

const SEEDED_ID_PREFIX = "seed:";

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
 * publishes them to the bus, which routes them (new runs, resumed waits) as jobs. Stores before
 * publishing so a crash never loses an acknowledged event's record. A sender id seen before
 * answers with the first event's id, and makes sure that event is stored and published: the
 * request that claimed it may have stopped halfway (routing it again changes nothing).
 */
export async function ingestEvents(deps: EngineDeps, inputs: EventInput[], options: IngestOptions = {}): Promise<IngestResult> {
  const ids: string[] = [];
  const accepted: StoredEvent[] = [];
  for (const [index, given] of inputs.entries()) {
    const now = deps.clock.now();
    const input = given.id || !options.idSeed ? given : { ...given, id: `${SEEDED_ID_PREFIX}${options.idSeed}:${index}` };
    const fresh = deps.ids.ulid();
    const holder = input.id ? await deps.events.claimExternalId(input.id, fresh, now, now + deps.settings.eventIdTtl) : undefined;
    const id = holder ?? fresh;
    ids.push(id);
    const stored = holder ? await deps.events.getEvent(holder) : undefined;
    if (stored) {
      accepted.push(stored);
      continue;
    }
    const event: StoredEvent = { id, name: input.name, data: input.data ?? {}, user: input.user ?? {}, ts: input.ts ?? now, externalId: input.id, receivedAt: now };
    if (input.v) event.v = input.v;
    if (!input.id || input.id.startsWith(SEEDED_ID_PREFIX)) delete event.externalId;
    await deps.events.putEvent(event);
    deps.observer.eventReceived?.(event.name, id);
    accepted.push(event);
  }
  if (accepted.length) await deps.bus.publish(accepted);
  return { ids };
}
