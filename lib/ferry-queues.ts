import { Duration } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { VISIBILITY_PER_TIMEOUT } from "./engine-function-specs";

/** Properties of {@link FerryQueues}: the timeout of each queue's consumer Lambda. */
export interface FerryQueuesProps {
  /** Timeout of the run queue's consumer (the executor). */
  readonly runConsumerTimeout: Duration;
  /** Timeout of the delay queue's consumer (the timer). */
  readonly delayConsumerTimeout: Duration;
  /** Timeout of the route queue's consumer (the runner). */
  readonly routeConsumerTimeout: Duration;
}

/** A consumed queue and where its poison messages go. */
export interface DeadLetteredQueue {
  /** Short label for dashboards and alarms, e.g. `run`. */
  readonly label: string;
  /** The queue a Lambda consumes. */
  readonly queue: sqs.Queue;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.Queue;
}

const DLQ_RETENTION = Duration.days(14);

/**
 * The three queues between Ferry's Lambdas, each with a dead-letter queue:
 * - run (FIFO): run transitions for the executor, one message group per run (or per parallel
 *   step), so a run's transitions stay ordered while runs proceed in parallel;
 * - delay (standard): the last minute of a sleep or timeout, as a per-message `DelaySeconds`
 *   (Scheduler fires only to the minute; FIFO queues have no per-message delay);
 * - route (standard): events from the bus for the runner. A queue between the rule and the
 *   runner gives backoff, partial batch failures and a DLQ with redrive, where EventBridge's
 *   asynchronous Lambda invokes retry only twice.
 */
export class FerryQueues extends Construct {
  /** FIFO queue of run transitions, consumed by the executor. */
  readonly run: DeadLetteredQueue;
  /** Standard queue of short delays, consumed by the timer. */
  readonly delay: DeadLetteredQueue;
  /** Standard queue of routed events, consumed by the runner. */
  readonly route: DeadLetteredQueue;

  constructor(scope: Construct, id: string, props: FerryQueuesProps) {
    super(scope, id);
    const runDlq = this.queue("RunDeadLetterQueue", { fifo: true, retentionPeriod: DLQ_RETENTION });
    this.run = {
      label: "run",
      deadLetterQueue: runDlq,
      queue: this.queue("RunQueue", {
        fifo: true,
        // Ferry sends explicit deduplication ids (deterministic per transition).
        contentBasedDeduplication: false,
        // High-throughput FIFO: limits apply per message group (per run), not per queue.
        deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
        fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        visibilityTimeout: times(props.runConsumerTimeout),
        // The executor gives up on a job by itself after 8 counted attempts. A high count keeps
        // messages that came back unhandled behind a failed one in their group (FIFO returns the
        // rest of a batch) from being dead-lettered early.
        deadLetterQueue: { queue: runDlq, maxReceiveCount: 100 },
      }),
    };
    const delayDlq = this.queue("DelayDeadLetterQueue", { retentionPeriod: DLQ_RETENTION });
    this.delay = {
      label: "delay",
      deadLetterQueue: delayDlq,
      queue: this.queue("DelayQueue", {
        visibilityTimeout: times(props.delayConsumerTimeout),
        deadLetterQueue: { queue: delayDlq, maxReceiveCount: 10 },
      }),
    };
    const routeDlq = this.queue("RouteDeadLetterQueue", { retentionPeriod: DLQ_RETENTION });
    this.route = {
      label: "route",
      deadLetterQueue: routeDlq,
      queue: this.queue("RouteQueue", {
        visibilityTimeout: times(props.routeConsumerTimeout),
        // The runner backs a failing event off by receive count (1, 2, 4 ... 300 s): 20 receives
        // keep trying for about an hour, so a short outage does not dead-letter events.
        deadLetterQueue: { queue: routeDlq, maxReceiveCount: 20 },
      }),
    };
  }

  /** The three consumed queues with their DLQs, in a stable order. */
  get all(): readonly DeadLetteredQueue[] {
    return [this.run, this.delay, this.route];
  }

  private queue(id: string, props: sqs.QueueProps): sqs.Queue {
    // SQS-managed SSE: encrypted at rest with no KMS key for EventBridge and Scheduler to be
    // granted; TLS-only by queue policy.
    return new sqs.Queue(this, id, { ...props, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  }
}

function times(consumerTimeout: Duration): Duration {
  return Duration.seconds(consumerTimeout.toSeconds() * VISIBILITY_PER_TIMEOUT);
}
