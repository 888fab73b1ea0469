import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSEvent } from "aws-lambda";
import type { SqsBatchResponse, SqsRecord } from "../adapters/aws/sqs/sqs-batch";
import { METRICS, publishMetrics, type Telemetry } from "./telemetry";

/** What an SQS-fed Lambda is built from: its telemetry and the consumer of its queue. */
export interface QueueHandlerDeps {
  telemetry: Telemetry;
  consume(records: readonly SqsRecord[]): Promise<SqsBatchResponse>;
}

/**
 * A Lambda handler for an SQS event source with partial batch failures: the consumer's
 * `batchItemFailures` are returned as is, so only the failed messages (and, on the FIFO run
 * queue, the rest of their group) come back. Each record's queue lag (sent to handled) is
 * recorded first, so a backlog shows before it fails anything.
 */
export function makeQueueHandler(deps: () => Promise<QueueHandlerDeps>): (event: Pick<SQSEvent, "Records">) => Promise<SqsBatchResponse> {
  return async (event) => {
    const { telemetry, consume } = await deps();
    const records = event.Records as unknown as SqsRecord[];
    const now = Date.now();
    for (const record of records) {
      const sent = Number(record.attributes.SentTimestamp);
      if (Number.isFinite(sent) && sent > 0) telemetry.metrics.addMetric(METRICS.queueLag, MetricUnit.Milliseconds, Math.max(0, now - sent));
    }
    try {
      const response = await consume(records);
      if (response.batchItemFailures.length > 0) telemetry.logger.warn("messages left for redelivery", { failed: response.batchItemFailures.length, of: records.length });
      return response;
    } finally {
      publishMetrics(telemetry.metrics);
    }
  };
}
