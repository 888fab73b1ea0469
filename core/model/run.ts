import type { SerializedError } from "../errors";
import type { FerryEvent } from "./event";
import type { PayloadRef } from "./payload-ref";

/** Terminal and live statuses, named as Inngest's REST API names them. */
export type RunStatus = "Running" | "Completed" | "Failed" | "Cancelled";

/** Why a live run is not executing right now; shown by the run API. */
export type WaitingReason =
  | { type: "queued" }
  | { type: "sleeping"; stepId: string; until: number }
  | { type: "waiting-for-event"; stepId: string; event: string; until: number }
  | { type: "invoking"; stepId: string; childRunId: string }
  | { type: "retrying"; stepId?: string; attempt: number; at: number }
  | { type: "concurrency"; key: string; since: number }
  | { type: "throttled"; until: number };

/**
 * An op the run has started and not yet finished (a planned step, a sleep, a wait, an invoke).
 * It holds everything needed to issue its follow-up work again (the step call, the timer, the
 * wait, the child run), so a job redelivered after a crash can re-derive what is missing from
 * the run alone.
 */
export interface PendingOp {
  kind: "step" | "sleep" | "wait" | "invoke";
  /** The user's step id (display name on the wire falls back to it). */
  name: string;
  /** When the op started; for a wait, when the call that asked for it started (look-back). */
  since: number;
  /** step: the attempt the next call makes (0 first). */
  attempt?: number;
  /** step: the next attempt waits until then (a retry's backoff). */
  retryAt?: number;
  /** sleep: when it wakes; wait and invoke: when they time out (absent: never). */
  until?: number;
  /** wait: the awaited event name and its CEL condition. */
  event?: string;
  expression?: string;
  /** invoke: the function to start and the payload of its `inngest/function.invoked` event. */
  functionId?: string;
  payload?: { data: Record<string, unknown>; user?: Record<string, unknown> };
}

/** Where an invoked run reports its result. */
export interface ParentLink {
  runId: string;
  stepId: string;
}

/**
 * One run of a function. Every change is a compare-and-set on `version`, so two workers can
 * never both advance the same run.
 */
export interface RunRecord {
  id: string;
  functionId: string;
  appId: string;
  /** Version of the function registration the run started on. */
  functionVersion: number;
  status: RunStatus;
  /**
   * The triggering events (one, or several for a batch); `events[0]` is `event`. When all of
   * them are larger than the payload threshold, only the first is kept here and the whole list
   * lives in the PayloadStore (`eventsRef`), with every id in `eventIds`: a run is rewritten on
   * every step, so it must not carry a large batch each time.
   */
  events: FerryEvent[];
  eventsRef?: PayloadRef;
  eventIds?: string[];
  /** Hashed step ids in the order they completed (`ctx.stack.stack`). */
  stack: string[];
  /** Ops in flight, by hashed step id; discovery never starts one twice. */
  pending: Record<string, PendingOp>;
  /** True while parallel ops are in flight, so the SDK must not run a step immediately. */
  parallel: boolean;
  /**
   * The stack length of the last discovery call whose answer was applied. While it differs
   * from `stack.length` the run owes a discovery call; when it equals it and nothing is
   * pending, the function has nothing left to say (a stuck run, failed as such).
   */
  discovered?: number;
  /**
   * The discovery call that runs the function on past `discovered`, reporting each step it
   * finishes through the checkpoint API (`checkpointSteps`), named by its `callSessionId`. While
   * set, the run owes no other discovery call: that call answers with what comes next, and if
   * it dies its job is delivered again and carries on from the steps reported so far.
   */
  checkpointedBy?: string;
  /** The discovery call owed at `position` failed as a whole and is retried at `at` with `attempt`. */
  discoveryRetry?: { position: number; attempt: number; at: number };
  waiting?: WaitingReason;
  /**
   * What the function returned. When larger than the payload threshold as JSON, it lives in the
   * PayloadStore instead (`outputRef`, content-addressed, written before the run that names it)
   * and `output` is absent: read it with `runOutput` / `resolveRunOutput`.
   */
  output?: unknown;
  outputRef?: PayloadRef;
  /** Why the run failed or was cancelled; kept within `MAX_ERROR_BYTES` (see `boundedError`). */
  error?: SerializedError;
  parent?: ParentLink;
  /** Seconds of head start from `priority.run` (-600..600) when competing for capacity. */
  priority?: number;
  /** The run this one replays, if it is a replay. */
  replayOf?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  version: number;
}

/**
 * What a run is doing now, as the dashboard filters it: finer than `status` for live runs.
 * `queued` waits to start or for capacity (concurrency, throttle); `running` is executing or
 * between attempts of a step; `sleeping` is in `step.sleep`; `waiting` is in
 * `step.waitForEvent` or awaiting an invoked run.
 */
export type RunPhase = "queued" | "running" | "sleeping" | "waiting" | "completed" | "failed" | "cancelled";

/** Every phase, in the order a run usually passes through them. */
export const RUN_PHASES: readonly RunPhase[] = ["queued", "running", "sleeping", "waiting", "completed", "failed", "cancelled"];

/** The phase of a run from its stored state. */
export function runPhase(run: Pick<RunRecord, "status" | "waiting" | "startedAt">): RunPhase {
  if (run.status !== "Running") return run.status.toLowerCase() as RunPhase;
  switch (run.waiting?.type) {
    case "sleeping":
      return "sleeping";
    case "waiting-for-event":
    case "invoking":
      return "waiting";
    case "queued":
    case "concurrency":
    case "throttled":
      return "queued";
    case "retrying":
      return "running";
    case undefined:
      return run.startedAt === undefined ? "queued" : "running";
  }
}

/** True when a run can no longer change. */
export function isTerminal(status: RunStatus): boolean {
  return status !== "Running";
}
