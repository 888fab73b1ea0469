import type { Job, TimerRecord } from "../model/job";

/** Work to do now. Local: a persisted in-process queue; AWS: SQS. */
export interface RunQueue {
  enqueue(job: Job): Promise<void>;
  /**
   * Enqueues several jobs at once, each as `enqueue` would, jobs of one group in the given order.
   * Optional: a queue that sends in batches (SQS `SendMessageBatch`) saves calls with it.
   */
  enqueueAll?(jobs: readonly Job[]): Promise<void>;
}

/** Work to do later. Local: one scheduled wake-up over a persisted table; AWS: Scheduler/SQS delays. */
export interface Timers {
  /** Schedules (or replaces, by id) a timer whose job is enqueued at `at`. */
  schedule(timer: TimerRecord): Promise<void>;
  /** Cancels a timer; a no-op when it already fired or never existed. */
  cancel(id: string): Promise<void>;
}
