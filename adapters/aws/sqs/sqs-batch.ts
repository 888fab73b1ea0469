import { serializeError, type Delivery } from "../../../core";
import type { AttemptCounter } from "./attempt-counter";
import { decodeMessage, type QueueMessage } from "./queue-message";

/**
 * One SQS message as a Lambda event source hands it over (the fields Ferry reads of
 * `SQSRecord`); the test bed's poller builds the same shape from `ReceiveMessage`.
 */
export interface SqsRecord {
  messageId: string;
  /** Needed to change the message's visibility (a retry backoff). */
  receiptHandle: string;
  /** The queue's ARN. */
  eventSourceARN?: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; ApproximateFirstReceiveTimestamp?: string; MessageGroupId?: string };
}

/** The partial-batch answer a Lambda SQS consumer returns: the messages to deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Handles one decoded message; a rejection asks SQS to deliver it again. */
export type MessageHandler = (message: QueueMessage, delivery: Delivery & { deliveries: number }) => Promise<void>;

/** What to do with a batch beyond handling each message. */
export interface SqsBatchOptions {
  /**
   * The failed attempt at which a job is given up: `onDrop` is called (the engine fails its
   * run), and once that succeeds the message is acknowledged. Set well below the queue's
   * `maxReceiveCount`, so a drop that itself fails still ends in the dead-letter queue.
   */
  maxDeliveries: number;
  /**
   * Counts failed attempts per message. Without it the receive count stands in, which over-counts
   * the messages of a FIFO group handed out behind a failed one (see `AttemptCounter`).
   */
  attempts?: AttemptCounter;
  onDrop(message: QueueMessage, deliveries: number, error: unknown): Promise<void>;
  /**
   * Brings failed messages back sooner than the queue's visibility timeout (which must be six
   * times the consumer's timeout, minutes on Lambda): called with a failed message and the
   * unhandled rest of its group. Its own failure only leaves them to the visibility timeout.
   */
  retryLater?(records: SqsRecord[]): Promise<void>;
  /** Told of every failure (logs, metrics). Must not throw. */
  problem?(message: string, error: unknown): void;
}

/**
 * Handles a batch the way a FIFO queue needs: messages of one group in order, one after the
 * other; different groups side by side. When a message fails, it and every later message of its
 * group are reported in `batchItemFailures` unhandled, so SQS keeps them in order; the other
 * groups go on. A message that is not Ferry's is reported failed until the queue moves it to
 * its dead-letter queue.
 */
export async function processSqsBatch(records: readonly SqsRecord[], handle: MessageHandler, options: SqsBatchOptions): Promise<SqsBatchResponse> {
  const groups = new Map<string, SqsRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const [index, record] of group.entries()) {
        if (!(await handleRecord(record, handle, options))) {
          const rest = group.slice(index);
          failures.push(...rest.map((r) => ({ itemIdentifier: r.messageId })));
          await options.retryLater?.(rest).catch((error: unknown) => options.problem?.("could not schedule a retry; the visibility timeout will bring the messages back", error));
          return;
        }
      }
    }),
  );
  return { batchItemFailures: failures };
}

/** Handles one record; true when it may be deleted. */
async function handleRecord(record: SqsRecord, handle: MessageHandler, options: SqsBatchOptions): Promise<boolean> {
  const deliveries = Number(record.attributes.ApproximateReceiveCount) || 1;
  let message: QueueMessage;
  try {
    message = decodeMessage(record.body, record.messageId);
  } catch (error) {
    options.problem?.(`unreadable message ${record.messageId} left for the dead-letter queue`, error);
    return false;
  }
  try {
    await handle(message, { redelivered: deliveries > 1, deliveries });
    return true;
  } catch (error) {
    const attempts = await failedAttempts(record, deliveries, options);
    if (attempts === undefined || attempts < options.maxDeliveries) {
      options.problem?.(`message ${record.messageId} failed (attempt ${attempts ?? "?"}, delivery ${deliveries}): ${serializeError(error).message}`, error);
      return false;
    }
    try {
      await options.onDrop(message, attempts, error);
      return true;
    } catch (dropError) {
      options.problem?.(`could not drop message ${record.messageId}; it stays for the dead-letter queue`, dropError);
      return false;
    }
  }
}

/** How many attempts at the record failed, this one included; undefined when that cannot be told now (never give up then). */
async function failedAttempts(record: SqsRecord, deliveries: number, options: SqsBatchOptions): Promise<number | undefined> {
  if (!options.attempts) return deliveries;
  try {
    return await options.attempts.countFailure(record.messageId);
  } catch (error) {
    options.problem?.(`could not count the failure of message ${record.messageId}`, error);
    return undefined;
  }
}
