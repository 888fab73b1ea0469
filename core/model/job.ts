import { stableHash } from "./derived-id";
import type { StoredEvent } from "./event";

/**
 * Work items on the run queue. A job is small and self-describing so it can travel as an SQS
 * message body; the state it acts on is re-read from the store, so delivering it twice, or
 * again after a crash halfway, converges on the same result.
 */
export type Job =
  /**
   * Call the function. Discovery when `stepId` is absent: `position` is the number of finished
   * steps the call was meant for, so a stale discovery (the run moved on) is dropped instead
   * of running the next step a second time. With `stepId`, execute that planned step.
   */
  | { type: "call"; runId: string; stepId?: string; attempt: number; position?: number; parked?: string }
  /** A sleep ended, or a step was memoized by someone else: finish it in the run. */
  | { type: "wake"; runId: string; stepId: string }
  /** A waitForEvent or invoke ran out of time. */
  | { type: "wait-timeout"; runId: string; stepId: string }
  /**
   * Route a stored event: triggers, waits, cancellations. `functionId` targets one function
   * (invoke); `name`, when known, orders routing per event name. `event` may carry the stored
   * event itself (a bus that has it at hand saves the read), as an EventBridge delivery does.
   */
  | { type: "route"; eventId: string; functionId?: string; name?: string; event?: StoredEvent }
  /** A cron trigger is due. */
  | { type: "cron"; functionId: string; cron: string; at: number }
  /** A debounce period may have ended: start the run with the latest event if it has. */
  | { type: "debounce"; functionId: string; key: string }
  /** A batch's timeout passed: start the run with the events collected so far. */
  | { type: "batch"; functionId: string; key: string; batchId: string }
  /** A run waited too long to start, or ran too long (`timeouts`). */
  | { type: "run-timeout"; runId: string; kind: "start" | "finish" }
  /** Leases on a concurrency key may have expired (a worker died): wake parked jobs. */
  | { type: "concurrency-recheck"; key: string };

// A Record, so a new job type cannot be left out of the list.
const jobTypeSet: Record<Job["type"], true> = {
  call: true,
  wake: true,
  "wait-timeout": true,
  route: true,
  cron: true,
  debounce: true,
  batch: true,
  "run-timeout": true,
  "concurrency-recheck": true,
};

/** Every job type, for code that must name them all (the test pause point, tests). */
export const JOB_TYPES = Object.keys(jobTypeSet) as readonly Job["type"][];

/** A job to run at a later time. `id` is stable so a timer can be replaced or cancelled. */
export interface TimerRecord {
  id: string;
  at: number;
  job: Job;
}

/**
 * The job's identity: equal for a job delivered again and for the same work issued twice,
 * different for legitimately repeated work (another attempt, another position, another tick).
 * Queues deduplicate by it (SQS `MessageDeduplicationId`) and timers of run work are named by
 * it. Fits EventBridge Scheduler names (`[0-9a-zA-Z-_.]{1,64}`): user text is hashed.
 */
export function jobId(job: Job): string {
  switch (job.type) {
    case "call": {
      // A call woken from a concurrency backlog is new work: the delivery that parked it may
      // still be finishing under the plain id, and a queue would deduplicate the two.
      const parked = job.parked === undefined ? "" : `.k${stableHash([job.parked], 8)}`;
      return job.stepId === undefined
        ? `call.${job.runId}.p${job.position ?? "x"}.a${job.attempt}${parked}`
        : `call.${job.runId}.${stableHash([job.stepId], 16)}.a${job.attempt}${parked}`;
    }
    case "wake":
    case "wait-timeout":
      return `${job.type}.${job.runId}.${stableHash([job.stepId], 16)}`;
    case "route":
      return job.functionId === undefined ? `route.${job.eventId}` : `route.${job.eventId}.${stableHash([job.functionId], 16)}`;
    case "cron":
      return `cron.${stableHash([job.functionId, job.cron], 24)}.${job.at}`;
    case "debounce":
      return `debounce.${stableHash([job.key], 32)}`;
    case "batch":
      return `batch.${stableHash([job.key, job.batchId], 32)}`;
    case "run-timeout":
      return `run-timeout.${job.runId}.${job.kind}`;
    case "concurrency-recheck":
      return `concurrency.${stableHash([job.key], 32)}`;
  }
}

/**
 * The ordering group of a job (SQS FIFO `MessageGroupId`): a run's transitions stay in order,
 * while each planned step of a parallel group gets a group of its own so they run side by side.
 */
export function jobGroup(job: Job): string {
  switch (job.type) {
    case "call":
      return job.stepId === undefined ? job.runId : `${job.runId}.${stableHash([job.stepId], 16)}`;
    case "wake":
    case "wait-timeout":
    case "run-timeout":
      return job.runId;
    case "route":
      // Events of one name are routed in the order they were sent: debounce keeps the last,
      // rate limits admit the first.
      return job.functionId === undefined && job.name !== undefined ? `route.${stableHash([job.name], 32)}` : `route.${job.eventId}`;
    case "cron":
      return `cron.${stableHash([job.functionId], 24)}`;
    case "debounce":
    case "batch":
    case "concurrency-recheck":
      return `key.${stableHash([job.key], 32)}`;
  }
}

/** The run a job acts on, if it acts on one. */
export function jobRunId(job: Job): string | undefined {
  return "runId" in job ? job.runId : undefined;
}
