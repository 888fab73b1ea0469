import type { FerryEvent } from "../model/event";
import type { EngineDeps } from "./deps";
import { routeEvent } from "./route-event";

/** Emits an engine-made event through the same path as sent events, so functions can trigger on it. */
export async function emitEvent(deps: EngineDeps, name: string, data: Record<string, unknown>): Promise<FerryEvent> {
  const now = deps.clock.now();
  const event: FerryEvent = { id: deps.ids.ulid(), name, data, user: {}, ts: now };
  await deps.events.putEvent({ ...event, receivedAt: now });
  deps.observer.eventReceived?.(name, event.id);
  await routeEvent(deps, event);
  return event;
}
