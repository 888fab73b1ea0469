import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { ParentLink, RunRecord } from "../model/run";
import type { EngineDeps } from "./deps";

/** Optional links of a new run. */
export interface NewRunOptions {
  parent?: ParentLink;
  replayOf?: string;
  /** A run id claimed beforehand (singleton). */
  id?: string;
  /** When the first call may happen (throttle); now when absent. */
  startAt?: number;
  /** Seconds of head start for capacity (priority.run). */
  priority?: number;
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
    id: options.id ?? deps.ids.ulid(),
    functionId: fn.id,
    appId: fn.appId,
    functionVersion: fn.version,
    status: "Running",
    events,
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
  await deps.runs.putRun(run, null);
  deps.observer.runStarted?.(run);
  const first = { type: "call", runId: run.id, attempt: 0 } as const;
  if (run.waiting?.type === "throttled") await deps.timers.schedule({ id: `start:${run.id}`, at: run.waiting.until, job: first });
  else await deps.queue.enqueue(first);
  return run;
}
