import { handleJob, ingestEvents, validateEvents, type Delivery, type EngineDeps, type EventInput, type Job } from "../../../core";
import { FERRY_SOURCE, routeJobFromEventBridge, type EventBridgeDelivery, type RouteJob } from "../eventbridge-delivery";
import { processSqsBatch, type SqsBatchOptions, type SqsBatchResponse, type SqsRecord } from "./sqs-batch";

/**
 * What the route queue carries: an EventBridge envelope, either one of Ferry's own events (to
 * route) or an event of the account matched by an extra rule (to accept as a Ferry event first).
 */
export type RouteQueueMessage = { type: "route"; job: RouteJob } | { type: "foreign"; input: EventInput };

/**
 * Reads a route-queue message body: the envelope EventBridge's SQS target writes. Ferry's own
 * entries (source `ferry`) become `route` jobs; any other event becomes an event input named
 * `<source>/<detail-type>` (an S3 upload is `aws.s3/Object Created`) whose data is the detail
 * and whose id is EventBridge's, so a second delivery is deduplicated by the event API's
 * 24-hour sender-id rule. Throws on a body that is not an envelope (left for the DLQ).
 */
export function decodeRouteMessage(body: string, messageId: string): RouteQueueMessage {
  let delivery: EventBridgeDelivery;
  try {
    delivery = JSON.parse(body) as EventBridgeDelivery;
  } catch (error) {
    throw new Error(`route queue message ${messageId} is not JSON`, { cause: error });
  }
  if (typeof delivery?.id !== "string" || typeof delivery.source !== "string" || typeof delivery["detail-type"] !== "string") {
    throw new Error(`route queue message ${messageId} is not an EventBridge event`);
  }
  if (delivery.source === FERRY_SOURCE) return { type: "route", job: routeJobFromEventBridge(delivery) };
  const detail = delivery.detail !== null && typeof delivery.detail === "object" && !Array.isArray(delivery.detail) ? (delivery.detail as Record<string, unknown>) : { detail: delivery.detail };
  const ts = Date.parse(delivery.time);
  return { type: "foreign", input: { name: `${delivery.source}/${delivery["detail-type"]}`, data: detail, id: `eventbridge:${delivery.id}`, ...(Number.isFinite(ts) ? { ts } : {}) } };
}

/** How the route-queue consumer behaves. */
export interface RouteQueueConsumerOptions {
  /** Brings failed messages back sooner than the visibility timeout. */
  retryLater?: SqsBatchOptions<RouteQueueMessage>["retryLater"];
  /** Handles one job. @default core `handleJob` */
  handle?: (deps: EngineDeps, job: Job, delivery: Delivery) => Promise<void>;
}

/**
 * The runner's consumer of the route queue (the bus rule's target). Every message is handled
 * on its own (a standard queue has no groups); a failure is retried with backoff, and after the
 * queue's redrive count it moves to the dead-letter queue: an event is never dropped here.
 */
export function routeQueueConsumer(deps: EngineDeps, options: RouteQueueConsumerOptions = {}): (records: readonly SqsRecord[]) => Promise<SqsBatchResponse> {
  const handle = options.handle ?? handleJob;
  return (records) =>
    processSqsBatch<RouteQueueMessage>(
      records,
      async (message, delivery) => {
        if (message.type === "route") await handle(deps, message.job, { redelivered: delivery.redelivered });
        // Checked as the event API checks a request: a malformed or oversized event is refused (DLQ).
        else await ingestEvents(deps, validateEvents(message.input, deps.settings.maxEventBytes));
      },
      {
        decode: decodeRouteMessage,
        // Never given up by the consumer: the queue's redrive policy moves it to the DLQ.
        maxDeliveries: Number.MAX_SAFE_INTEGER,
        onDrop: (_message, _deliveries, error) => Promise.reject(error),
        now: () => deps.clock.now(),
        retryLater: options.retryLater,
        problem: (message, error) => deps.observer.problem?.(message, error),
      },
    );
}
