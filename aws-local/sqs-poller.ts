import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SqsBatchResponse, SqsRecord } from "../adapters/aws/sqs/sqs-batch";

/** Options of a poller; defaults are those of a Lambda SQS event source. */
export interface SqsPollerOptions {
  /** Messages per batch. @default 10 */
  batchSize?: number;
  /** Batches handled at once (Lambda scales a FIFO consumer with its active groups). @default 4 */
  concurrency?: number;
  /**
   * When anything last happened, shared by the pollers of one bed (and moved by clock jumps), so
   * that idleness means "nothing anywhere since": a fired timer sends to another queue.
   */
  activity?: Activity;
  /** The queue's ARN, set on every record as Lambda does. */
  eventSourceARN?: string;
  /**
   * Long polling, as Lambda's event sources poll (20 s): an idle queue costs one request per
   * loop and wait instead of one every few milliseconds. The test bed polls short (0) so it can
   * tell when everything is idle; `ferry aws-local` runs on the wall clock and polls long.
   * @default 0
   */
  waitTimeSeconds?: number;
}

/** The moment (performance.now()) anything last happened in a bed. */
export interface Activity {
  last: number;
}

/**
 * What the Lambda service does for an SQS event source, for the test bed: receives batches,
 * hands them to the consumer as `SqsRecord`s, deletes what the consumer did not report in
 * `batchItemFailures`, and leaves the failures to come back after the visibility timeout.
 * Several batches run at once, as Lambda runs several consumers; FIFO ordering is SQS's own.
 */
export class SqsPoller {
  private running = false;
  private inFlight = 0;
  private readonly activity: Activity;
  private readonly emptySince: number[];
  private loops: Promise<void>[] = [];
  /** Aborts the receives still waiting when the poller stops (a long poll would hold `stop` for up to 20 s). */
  private readonly stopping = new AbortController();
  readonly failures: string[] = [];

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly consume: (records: SqsRecord[]) => Promise<SqsBatchResponse>,
    private readonly options: SqsPollerOptions = {},
  ) {
    this.emptySince = Array.from({ length: options.concurrency ?? 4 }, () => -1);
    this.activity = options.activity ?? { last: 0 };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.emptySince.map((_, index) => this.loop(index));
  }

  /** True when nothing is being handled and every loop polled empty since the last thing happened. */
  isIdle(): boolean {
    return this.inFlight === 0 && this.emptySince.every((at) => at > this.activity.last);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async loop(index: number): Promise<void> {
    while (this.running) {
      const started = performance.now();
      let records: SqsRecord[];
      try {
        records = await this.receive();
      } catch (error) {
        if (!this.running) return;
        this.failures.push(`receive: ${(error as Error).message}`);
        await sleep(20);
        continue;
      }
      if (records.length === 0) {
        if (started > this.activity.last) this.emptySince[index] = started;
        await sleep(5);
        continue;
      }
      this.inFlight++;
      this.activity.last = performance.now();
      try {
        const { batchItemFailures } = await this.consume(records);
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
        const done = records.filter((r) => !failed.has(r.messageId));
        if (done.length > 0) {
          await this.client.send(
            new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }),
          );
        }
      } catch (error) {
        this.failures.push(`consume: ${(error as Error).message}`);
      } finally {
        this.inFlight--;
        this.activity.last = performance.now();
      }
    }
  }

  private async receive(): Promise<SqsRecord[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: this.options.batchSize ?? 10,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "MessageGroupId", "SentTimestamp"],
        // The older name of the same parameter: local-aws-sqs reads only this one, real SQS both.
        AttributeNames: ["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "MessageGroupId", "SentTimestamp"] as never,
      }),
      { abortSignal: this.stopping.signal },
    );
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      eventSourceARN: this.options.eventSourceARN,
      body: m.Body as string,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp,
        MessageGroupId: m.Attributes?.MessageGroupId,
        SentTimestamp: m.Attributes?.SentTimestamp,
      },
    }));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
