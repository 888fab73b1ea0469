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
export function visibilityBackoff(client: SQSClient, queueUrlOf: (record: SqsRecord) => string, now: () => number): (records: SqsRecord[]) => Promise<void> {
  return async (records) => {
    if (records.length === 0) return;
    const queueUrl = queueUrlOf(records[0] as SqsRecord);
    for (let start = 0; start < records.length; start += 10) {
      const entries = records.slice(start, start + 10).map((r, i) => {
        const firstReceived = Number(r.attributes.ApproximateFirstReceiveTimestamp);
        const failingFor = Number.isFinite(firstReceived) && firstReceived > 0 ? now() - firstReceived : 0;
        return { Id: String(i), ReceiptHandle: r.receiptHandle, VisibilityTimeout: backoffSeconds(failingFor) };
      });
      await awsCall(`delay retry of ${entries.length} messages`, () => client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    }
  };
}
