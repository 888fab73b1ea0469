/**
 * Work items on the run queue. A job is small and self-describing so it can travel as an SQS
 * message body; the state it acts on is re-read from the store.
 */
export type Job =
  /** Call the function: discovery when `stepId` is absent, else execute that planned step. */
  | { type: "call"; runId: string; stepId?: string; attempt: number }
  /** A sleep ended. */
  | { type: "wake"; runId: string; stepId: string }
  /** A waitForEvent or invoke ran out of time. */
  | { type: "wait-timeout"; runId: string; stepId: string }
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

/** A job to run at a later time. `id` is stable so a timer can be replaced or cancelled. */
export interface TimerRecord {
  id: string;
  at: number;
  job: Job;
}
