import { serializeError, ThrottledError, type Delivery } from "../../../core";
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
  attributes: { ApproximateReceiveCount: string; ApproximateFirstReceiveTimestamp?: string; MessageGroupId?: string; SentTimestamp?: string };
}

/** The partial-batch answer a Lambda SQS consumer returns: the messages to deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** How long a message must have been failing before it may be given up, by default. */
export const DEFAULT_GIVE_UP_AFTER_MS = 15 * 60 * 1000;

/** Handles one decoded message; a rejection asks SQS to deliver it again. */
export type MessageHandler<M = QueueMessage> = (message: M, delivery: Delivery & { deliveries: number }) => Promise<void>;

/** What to do with a batch beyond handling each message. */
export interface SqsBatchOptions<M = QueueMessage> {
  /**
   * Reads a message body; a throw leaves the message for the dead-letter queue. @default
   * `decodeMessage` (Ferry's own queues); the runner reads EventBridge's envelopes instead.
   */
  decode?: (body: string, messageId: string) => M;
  /**
   * The failed attempt at which a job is given up, once it has also been failing for
   * `giveUpAfterMs`: `onDrop` is called (the engine fails its run), and once that succeeds the
   * message is acknowledged. A throttled attempt never gives a job up. A message whose
   * consumer keeps dying (no failure is ever caught) is given up at twice this many unfinished
   * deliveries, once it has been failing four times `giveUpAfterMs`. Keep it well below the queue's
   * `maxReceiveCount`, so a drop that itself fails still ends in the dead-letter queue.
   */
  maxDeliveries: number;
  /** How long a message must have been failing before it may be given up (ms). @default 15 minutes */
  giveUpAfterMs?: number;
  /** The clock `giveUpAfterMs` is measured with. @default Date.now */
  now?: () => number;
  /**
   * Counts unfinished deliveries per message. Without it the receive count stands in, which
   * over-counts the messages of a FIFO group handed out behind a failed one (see `AttemptCounter`).
   */
  attempts?: AttemptCounter;
  onDrop(message: M, deliveries: number, error: unknown): Promise<void>;
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
export async function processSqsBatch<M = QueueMessage>(records: readonly SqsRecord[], handle: MessageHandler<M>, options: SqsBatchOptions<M>): Promise<SqsBatchResponse> {
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
async function handleRecord<M>(record: SqsRecord, handle: MessageHandler<M>, options: SqsBatchOptions<M>): Promise<boolean> {
  const deliveries = Number(record.attributes.ApproximateReceiveCount) || 1;
  let message: M;
  try {
    // Without a decoder the messages are Ferry's own (M is QueueMessage, its default).
    message = options.decode ? options.decode(record.body, record.messageId) : (decodeMessage(record.body, record.messageId) as M);
  } catch (error) {
    options.problem?.(`unreadable message ${record.messageId} left for the dead-letter queue`, error);
    return false;
  }
  // A redelivery means the delivery before did not finish: it failed, or its consumer died or
  // timed out (which no catch sees). Counted here, once per delivery actually handled.
  const unfinished = deliveries > 1 ? await unfinishedAttempts(record, deliveries, options) : 0;
  if (unfinished !== undefined && unfinished >= 2 * options.maxDeliveries && failingLongEnough(record, options, 4)) {
    // It keeps stopping its consumer (or something kept failing it for an hour, throttling
    // included, which this cannot tell apart): give it up before it does so again.
    return drop(record, message, unfinished, new Error(`delivered ${unfinished} times without finishing (the consumer failed, timed out or stopped)`), options);
  }
  try {
    await handle(message, { redelivered: deliveries > 1, deliveries });
    return true;
  } catch (error) {
    const attempts = unfinished === undefined ? undefined : unfinished + 1;
    // Throttling is the service's to end, not the job's fault: it is retried, never given up.
    const giveUp = !(error instanceof ThrottledError) && attempts !== undefined && attempts >= options.maxDeliveries && failingLongEnough(record, options);
    if (!giveUp) {
      options.problem?.(`message ${record.messageId} failed (attempt ${attempts ?? "?"}, delivery ${deliveries}): ${serializeError(error).message}`, error);
      return false;
    }
    return drop(record, message, attempts, error, options);
  }
}

/** Gives a message up through `onDrop`; true once that succeeded (the message may be deleted). */
async function drop<M>(record: SqsRecord, message: M, attempts: number, error: unknown, options: SqsBatchOptions<M>): Promise<boolean> {
  try {
    await options.onDrop(message, attempts, error);
    return true;
  } catch (dropError) {
    options.problem?.(`could not drop message ${record.messageId}; it stays for the dead-letter queue`, dropError);
    return false;
  }
}

/** True once the message has been failing for `times` × `giveUpAfterMs` since SQS first handed it out. */
function failingLongEnough<M>(record: SqsRecord, options: SqsBatchOptions<M>, times = 1): boolean {
  const first = Number(record.attributes.ApproximateFirstReceiveTimestamp);
  if (!Number.isFinite(first) || first <= 0) return true;
  return (options.now ?? Date.now)() - first >= times * (options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS);
}

/** How many deliveries of the record did not finish before this one; undefined when that cannot be told now (never give up then). */
async function unfinishedAttempts<M>(record: SqsRecord, deliveries: number, options: SqsBatchOptions<M>): Promise<number | undefined> {
  if (!options.attempts) return deliveries - 1;
  try {
    return await options.attempts.countFailure(record.messageId);
  } catch (error) {
    options.problem?.(`could not count the unfinished deliveries of message ${record.messageId}`, error);
    return undefined;
  }
}
