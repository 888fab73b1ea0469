import type { FerryEvent } from "../model/event";
import type { EngineDeps } from "./deps";

/**
 * Stores an engine-made event (if not stored yet: its id is derived, so a repeat writes the
 * same record) and publishes it, so functions trigger on it exactly as on a sent event. An
 * event no function triggers on and no wait expects (most `function.finished` events) is only
 * stored: a wait stored later finds it by its look-back, and routing it would cost a job (on
 * AWS an EventBridge entry and a runner invocation) per run for nothing.
 */
export async function emitEvent(deps: EngineDeps, event: FerryEvent): Promise<void> {
  const stored = await emitStored(deps, event);
  const index = await deps.catalog.index();
  if (index.match(event).length === 0 && (await deps.waits.listWaitsByEvent(event.name)).length === 0) return;
  await deps.bus.publish([stored]);
}

/** Stores an engine-made event without routing it (its producer starts what it must itself). */
export async function emitStored(deps: EngineDeps, event: FerryEvent) {
  const stored = { ...event, receivedAt: deps.clock.now() };
  await deps.events.putEvent(stored);
  deps.observer.eventReceived?.(event.name, event.id);
  return stored;
}
