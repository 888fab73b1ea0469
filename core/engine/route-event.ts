import { matches } from "../expressions/cel";
import type { FerryEvent, StoredEvent } from "../model/event";
import type { WaitRecord } from "../model/wait";
import { admitEvent } from "../flow/admit-event";
import { cancelRun } from "./run-controls";
import type { EngineDeps } from "./deps";
import { resumeWait } from "./resume-wait";

/**
 * Everything an accepted event can cause: runs of the functions it triggers (through flow
 * control), resumed runs that were waiting for it, and cancelled runs whose cancelOn it matches.
 */
export async function routeEvent(deps: EngineDeps, event: FerryEvent | StoredEvent): Promise<void> {
  const wire = toWireEvent(event);
  const index = await deps.catalog.index();
  for (const { fn } of index.match(wire)) await admitEvent(deps, fn, wire);
  const waits = await deps.waits.listWaitsByEvent(wire.name);
  const now = deps.clock.now();
  for (const wait of waits) {
    if (!waitMatches(wait, wire)) continue;
    if (wait.kind !== "cancel") await resumeWait(deps, wait, wire);
    else if (wait.expiresAt > now && (await deps.waits.deleteWait(wait.id))) {
      await cancelRun(deps, wait.runId, `cancelled by event ${wire.name} (${wire.id})`);
    }
  }
}

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
