import { ConflictError } from "../errors";
import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { ParentLink, RunRecord } from "../model/run";
import { carryOut } from "./carry-out";
import type { EngineDeps } from "./deps";
import { storableEvents } from "./payloads";
import { deriveRunEffects } from "./run-effects";
import { convergeRun } from "./run-transition";

/** How a new run starts. */
export interface NewRunOptions {
  /** The run's id: derived from what started it, so starting it again finds the same run. */
  id: string;
  parent?: ParentLink;
  replayOf?: string;
  /** When the first call may happen (throttle); now when absent. */
  startAt?: number;
  /** Seconds of head start for capacity (priority.run). */
  priority?: number;
}

/**
 * Creates a run (if absent) and issues its start: the first call (or its throttle timer),
 * cancelOn waits, `timeouts.start`. When the run exists already (the same event routed again),
 * nothing is created twice: its follow-up work is re-derived instead, in case the first
 * attempt stopped halfway.
 */
export async function createRun(deps: EngineDeps, fn: FunctionRecord, events: FerryEvent[], options: NewRunOptions): Promise<RunRecord> {
  const now = deps.clock.now();
  const run: RunRecord = {
    id: options.id,
    functionId: fn.id,
    appId: fn.appId,
    functionVersion: fn.version,
    status: "Running",
    ...(await storableEvents(deps, options.id, events)),
    stack: [],
    pending: {},
    parallel: false,
    waiting: options.startAt !== undefined && options.startAt > now ? { type: "throttled", until: options.startAt } : { type: "queued" },
    priority: options.priority,
    parent: options.parent,
    replayOf: options.replayOf,
    createdAt: now,
    version: 1,
  };
  try {
    await deps.runs.putRun(run, null);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return (await convergeRun(deps, run.id)) ?? run;
  }
  deps.observer.runStarted?.(run);
  await carryOut(deps, deriveRunEffects(run, fn));
  return run;
}
