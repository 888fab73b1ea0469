import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { ParentLink, RunRecord } from "../model/run";
import type { EngineDeps } from "./deps";

/** Optional links of a new run. */
export interface NewRunOptions {
  parent?: ParentLink;
  replayOf?: string;
}

/** Starts a run of `fn` for `events` and queues its first call. */
export async function createRun(
  deps: EngineDeps,
  fn: FunctionRecord,
  events: FerryEvent[],
  options: NewRunOptions = {},
): Promise<RunRecord> {
  const now = deps.clock.now();
  const run: RunRecord = {
    id: deps.ids.ulid(),
    functionId: fn.id,
    appId: fn.appId,
    functionVersion: fn.version,
    status: "Running",
    events,
    stack: [],
    pending: {},
    parallel: false,
    waiting: { type: "queued" },
    parent: options.parent,
    replayOf: options.replayOf,
    createdAt: now,
    version: 1,
  };
  await deps.runs.putRun(run, null);
  deps.observer.runStarted?.(run);
  await deps.queue.enqueue({ type: "call", runId: run.id, attempt: 0 });
  return run;
}
