import { ChangeMessageVisibilityBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { awsCall } from "../aws-errors";
import type { SqsRecord } from "./sqs-batch";

/** The longest retry backoff: five minutes, well inside SQS's 12-hour visibility limit. */
const MAX_BACKOFF_SECONDS = 300;

/** Seconds until a message that failed on its `deliveries`-th delivery comes back: 1, 2, 4 ... 300. */
export function backoffSeconds(deliveries: number): number {
  return Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.max(0, deliveries - 1));
}

/**
 * A `retryLater` for `processSqsBatch` that shortens the failed messages' visibility to an
 * exponential backoff, so a transient failure is retried in seconds rather than after the
 * queue's visibility timeout. The rest of a FIFO group gets the same delay and stays behind.
 *
 * @example
 * processSqsBatch(records, handle, { ...options, retryLater: visibilityBackoff(sqs, () => queueUrl) });
 */
export function visibilityBackoff(client: SQSClient, queueUrlOf: (record: SqsRecord) => string): (records: SqsRecord[], deliveries: number) => Promise<void> {
  return async (records, deliveries) => {
    if (records.length === 0) return;
    const seconds = backoffSeconds(deliveries);
    const queueUrl = queueUrlOf(records[0] as SqsRecord);
    for (let start = 0; start < records.length; start += 10) {
      const entries = records.slice(start, start + 10).map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle, VisibilityTimeout: seconds }));
      await awsCall(`delay retry of ${entries.length} messages`, () => client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    }
  };
}

/**
 * The queue URL of an SQS ARN (`arn:aws:sqs:region:account:name`), as Lambda records carry
 * only the ARN.
 */
export function queueUrlOfArn(arn: string): string {
  const [, , , region, account, name] = arn.split(":");
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}
