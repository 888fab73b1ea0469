import type { FerryEvent } from "../model/event";
import type { EngineDeps } from "./deps";

/**
 * Stores an engine-made event (if not stored yet: its id is derived, so a repeat writes the
 * same record) and publishes it, so functions trigger on it exactly as on a sent event.
 */
export async function emitEvent(deps: EngineDeps, event: FerryEvent): Promise<void> {
  const stored = await emitStored(deps, event);
  await deps.bus.publish([stored]);
}

/** Stores an engine-made event without routing it (its producer starts what it must itself). */
export async function emitStored(deps: EngineDeps, event: FerryEvent) {
  const stored = { ...event, receivedAt: deps.clock.now() };
  await deps.events.putEvent(stored);
  deps.observer.eventReceived?.(event.name, event.id);
  return stored;
}
