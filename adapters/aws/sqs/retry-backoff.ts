import { ChangeMessageVisibilityBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { awsCall } from "../aws-errors";
import type { SqsRecord } from "./sqs-batch";

/** The longest retry backoff: five minutes, well inside SQS's 12-hour visibility limit. */
const MAX_BACKOFF_SECONDS = 300;

/**
 * Seconds until a failed message comes back: half as long as it has been failing since SQS
 * first handed it out, in whole seconds, up to 300. A fresh failure (most are a lost race or a
 * blip, and the SDK already retried the call) is retried at once; one that keeps failing backs
 * off about 1.5 times further each round. Time rather than `ApproximateReceiveCount`, because a
 * FIFO message handed out behind a failed one of its group is counted without being tried.
 */
export function backoffSeconds(failingForMs: number): number {
  return Math.min(MAX_BACKOFF_SECONDS, Math.max(0, Math.floor(failingForMs / 2000)));
}

/**
 * A `retryLater` for `processSqsBatch` that sets the failed messages' visibility to that backoff,
 * so a transient failure is retried in seconds rather than after the queue's visibility timeout
 * (six times the Lambda's timeout). Messages left unhandled behind a failed one of their FIFO
 * group stay behind it either way: SQS holds the group while its first message is in flight.
 *
 * @example
 * processSqsBatch(records, handle, { ...options, retryLater: visibilityBackoff(sqs, () => queueUrl, Date.now) });
 */
export function visibilityBackoff(client: SQSClient, queueUrlOf: (record: SqsRecord) => string, now: () => number, secondsFor: (record: SqsRecord, now: number) => number = failingTimeBackoff): (records: SqsRecord[]) => Promise<void> {
  return async (records) => {
    if (records.length === 0) return;
    const queueUrl = queueUrlOf(records[0] as SqsRecord);
    for (let start = 0; start < records.length; start += 10) {
      const entries = records.slice(start, start + 10).map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle, VisibilityTimeout: secondsFor(r, now()) }));
      await awsCall(`delay retry of ${entries.length} messages`, () => client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    }
  };
}

/** `backoffSeconds` of how long the record has been failing since SQS first handed it out. */
function failingTimeBackoff(record: SqsRecord, now: number): number {
  const firstReceived = Number(record.attributes.ApproximateFirstReceiveTimestamp);
  return backoffSeconds(Number.isFinite(firstReceived) && firstReceived > 0 ? now - firstReceived : 0);
}

/**
 * Backoff by receive count, for a standard queue, where every receive is a real attempt: 1, 2,
 * 4 ... seconds up to 300. With the route queue's redrive count of 20, a failing event is tried
 * for about an hour before it reaches the dead-letter queue; the time-based backoff would retry
 * at once for the first seconds and exhaust the count in a blip.
 */
export function receiveCountBackoff(record: SqsRecord): number {
  const receives = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  return Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.min(receives - 1, 16));
}
