import { dropJob, handleJob, jobRunId, type Delivery, type EngineDeps, type Job } from "../../../core";
import type { AwsTimers } from "../timers/aws-timers";
import type { TimerFiring } from "./queue-message";
import { processSqsBatch, type SqsBatchOptions, type SqsBatchResponse, type SqsRecord } from "./sqs-batch";

/** How the consumer of Ferry's queues behaves. */
export interface QueueConsumerOptions {
  /**
   * The delivery at which a failing job is given up and its run failed. Keep it below the
   * queue's redrive `maxReceiveCount`, so a drop that itself fails still reaches the DLQ.
   * @default 8
   */
  maxDeliveries?: number;
  /** Handles one job. @default core `handleJob`; the fault-injection tests wrap it. */
  handle?: (deps: EngineDeps, job: Job, delivery: Delivery) => Promise<void>;
  /** Counts failed attempts per message (the give-up rule); without it, the receive count. */
  attempts?: SqsBatchOptions["attempts"];
  /** Brings failed messages back sooner than the visibility timeout (see `visibilityBackoff`). */
  retryLater?: SqsBatchOptions["retryLater"];
  /** Told of each timer firing as it arrives, before it is acted on (the timer Lambda's lateness metric). Must not throw. */
  onFiring?: (firing: TimerFiring, now: number) => void;
}

/**
 * The consumer of both of Ferry's queues, as one function of a batch of SQS records: jobs from
 * the run queue go to the engine, timer firings from the delay queue to the timers. The executor
 * Lambda returns its answer as is; the test bed's poller uses it the same way.
 *
 * @example
 * const consume = queueConsumer(deps, timers);
 * export const handler = (event: { Records: SqsRecord[] }) => consume(event.Records);
 */
export function queueConsumer(deps: EngineDeps, timers: AwsTimers, options: QueueConsumerOptions = {}): (records: readonly SqsRecord[]) => Promise<SqsBatchResponse> {
  const handle = options.handle ?? handleJob;
  return (records) =>
    processSqsBatch(
      records,
      (message, delivery) => {
        if (!("timer" in message)) return handle(deps, message.job, { redelivered: delivery.redelivered });
        options.onFiring?.(message.timer, deps.clock.now());
        return timers.fire(message.timer);
      },
      {
        maxDeliveries: options.maxDeliveries ?? 8,
        // Only a run's job is given up (its run fails with the error). A firing (a lost one is a
        // lost timer) and work of no run (routing an event, a debounce, a cron tick) go to the
        // dead-letter queue instead, where they can be redriven.
        onDrop: (message, deliveries, error) => ("job" in message && jobRunId(message.job) !== undefined ? dropJob(deps, message.job, deliveries, error) : Promise.reject(error)),
        now: () => deps.clock.now(),
        retryLater: options.retryLater,
        attempts: options.attempts,
        problem: (message, error) => deps.observer.problem?.(message, error),
      },
    );
}
