import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { decodeMessage } from "../adapters/aws/sqs/queue-message";
import type { SqsRecord } from "../adapters/aws/sqs/sqs-batch";
import { oncePerContainer } from "./cold-start";
import { awsDeps } from "./deps";
import { makeQueueHandler } from "./queue-handler";
import { METRICS, type Telemetry } from "./telemetry";

/**
 * The timer Lambda: reads the delay queue, where sleeps, timeouts, retries, debounce and batch
 * windows and cron ticks arrive (directly when due within 15 minutes, else handed over by a
 * Scheduler schedule). A firing whose stored token no longer matches is ignored; the rest
 * enqueue their job on the run queue.
 */
export const handler = makeQueueHandler(
  oncePerContainer(async () => {
    const { engine, telemetry } = awsDeps(process.env);
    return { telemetry, consume: engine.consume, measure: (record: SqsRecord, now: number) => recordLateness(telemetry, record, now) };
  }),
);

/** How late a firing arrives after its due time: Scheduler's minute granularity and SQS delay show here. */
export function recordLateness(telemetry: Telemetry, record: SqsRecord, now: number): void {
  try {
    const message = decodeMessage(record.body, record.messageId);
    if ("timer" in message) telemetry.metrics.addMetric(METRICS.timerLateness, MetricUnit.Milliseconds, Math.max(0, now - message.timer.at));
  } catch {
    // An unreadable body is the consumer's to report (and leave for the DLQ).
  }
}
