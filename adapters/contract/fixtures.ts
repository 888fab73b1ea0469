import { readFlowConfig, type AppRecord, type FunctionRecord, type RunRecord, type StepRecord, type StoredEvent, type WaitRecord } from "../../core";

/** Records for the store contracts: complete and valid, with just the fields a test cares about overridden. */

/** An accepted event. */
export function anEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return { id: "01EVENT", name: "app/user.created", data: { nested: { n: 1 } }, user: {}, ts: 1000, receivedAt: 1000, ...overrides };
}

/** A new run (version 1) started by `anEvent()`. */
export function aRun(overrides: Partial<RunRecord> = {}): RunRecord {
  const { receivedAt: _receivedAt, ...event } = anEvent();
  return {
    id: "01RUN",
    functionId: "app-fn",
    appId: "app",
    functionVersion: 1,
    status: "Running",
    events: [event],
    stack: [],
    pending: {},
    parallel: false,
    createdAt: 1000,
    version: 1,
    ...overrides,
  };
}

/** Runs in every phase, and every way into each (`runPhase`), ids `p00`.., oldest first. */
export function runsInEveryPhase(): RunRecord[] {
  const states: Partial<RunRecord>[] = [
    {},
    { waiting: { type: "concurrency", key: "k", since: 1 } },
    { startedAt: 5, waiting: { type: "throttled", until: 9 } },
    { startedAt: 5, waiting: { type: "queued" } },
    { startedAt: 5 },
    { startedAt: 5, waiting: { type: "retrying", attempt: 1, at: 9 } },
    { startedAt: 5, waiting: { type: "sleeping", stepId: "s", until: 9 } },
    { startedAt: 5, waiting: { type: "waiting-for-event", stepId: "s", event: "e", until: 9 } },
    { startedAt: 5, waiting: { type: "invoking", stepId: "s", childRunId: "c" } },
    { status: "Completed", startedAt: 5, endedAt: 9 },
    { status: "Failed", startedAt: 5, endedAt: 9 },
    { status: "Cancelled", endedAt: 9 },
  ];
  return states.map((state, index) => aRun({ id: `p${String(index).padStart(2, "0")}`, createdAt: 1000 + index, ...state }));
}

/** A new step (version 1) of `aRun()`. */
export function aStep(overrides: Partial<StepRecord> = {}): StepRecord {
  return { runId: "01RUN", id: "hash-a", name: "a", kind: "run", status: "Running", attempts: 1, errors: [], startedAt: 1000, version: 1, ...overrides };
}

/** A registered app (version 1). */
export function anApp(overrides: Partial<AppRecord> = {}): AppRecord {
  return { id: "app", url: "http://localhost:3000/api/inngest", sdk: "js:v4", functionIds: ["app-fn"], syncedAt: 1000, version: 1, ...overrides };
}

/** A registered function (version 1). */
export function aFunction(overrides: Partial<FunctionRecord> = {}): FunctionRecord {
  return {
    id: "app-fn",
    appId: "app",
    name: "Fn",
    triggers: [{ event: "app/user.created", expression: "event.data.n > 0" }, { cron: "0 * * * *" }],
    url: "http://localhost:3000/api/inngest?fnId=app-fn&stepId=step",
    retries: 3,
    config: {},
    flow: readFlowConfig("app-fn", {}),
    version: 1,
    active: true,
    ...overrides,
  };
}

/** A wait of `aRun()` on `app/approved`. */
export function aWait(overrides: Partial<WaitRecord> = {}): WaitRecord {
  return {
    id: "01RUN:hash-w",
    runId: "01RUN",
    stepId: "hash-w",
    kind: "step",
    event: "app/approved",
    expression: "async.data.id == event.data.id",
    triggerEvent: { name: "app/user.created", data: { id: 1 } },
    since: 1000,
    expiresAt: 5000,
    ...overrides,
  };
}
