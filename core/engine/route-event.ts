import { matches } from "../expressions/cel";
import type { FerryEvent, StoredEvent } from "../model/event";
import type { RunRecord } from "../model/run";
import type { WaitRecord } from "../model/wait";
import { createRun } from "./create-run";
import type { EngineDeps } from "./deps";
import { resumeWait } from "./resume-wait";

/**
 * Everything an accepted event can cause: new runs of the functions it triggers, and resumed
 * runs that were waiting for it. Returns the runs it started.
 */
export async function routeEvent(deps: EngineDeps, event: FerryEvent | StoredEvent): Promise<RunRecord[]> {
  const wire = toWireEvent(event);
  const index = await deps.catalog.index();
  const started: RunRecord[] = [];
  for (const { fn } of index.match(wire)) {
    started.push(await createRun(deps, fn, [wire]));
  }
  const waits = await deps.waits.listWaitsByEvent(wire.name);
  for (const wait of waits) {
    if (waitMatches(wait, wire)) await resumeWait(deps, wait, wire);
  }
  return started;
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
