import { ReceiveMessageCommand, SQSClient, type SendMessageBatchCommandInput } from "@aws-sdk/client-sqs";
import { jobGroup, jobId, ThrottledError, type Job } from "../../core";
import { aWake, byId, oneOfEachJob, stepOf } from "../../adapters/contract/job-fixtures";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import { decodeMessage } from "../../adapters/aws/sqs/queue-message";
import { processSqsBatch, type SqsBatchOptions } from "../../adapters/aws/sqs/sqs-batch";
import { SqsRunQueue } from "../../adapters/aws/sqs/sqs-run-queue";
import type { TimerTokenStore } from "../../adapters/aws/timers/timer-token-store";
import { BED_VISIBILITY_SECONDS, startAwsQueueBed, type AwsQueueBed } from "./aws-queue-bed";
import { startDynalite, type DynaliteBed } from "../../aws-local/dynalite-bed";
import { BED_CREDENTIALS } from "../../aws-local/sqs-server";

/**
 * What only AWS brings to the run queue (SqsRunQueue on local-aws-sqs, FIFO with a redrive
 * policy): batches of 10 per call, deduplication by id, the dead-letter queue, and throttling.
 * The shared RunQueue contract covers the rest.
 */

const REDELIVERY = (BED_VISIBILITY_SECONDS + 1) * 1000;
const TIMEOUT = 30_000;

let dynamo: DynaliteBed;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

/** A bed whose consumer records the jobs it is handed (in order), handles timer firings, and handles jobs with `handle`. */
interface Harness {
  bed: AwsQueueBed;
  tokens: TimerTokenStore;
  received: Job[];
  start(options?: { handle?: (job: Job) => Promise<void>; batch?: Partial<SqsBatchOptions> }): void;
}

async function withHarness(test: (h: Harness) => Promise<void>, bedOptions: { maxReceiveCount?: number } = {}): Promise<void> {
  const stores = createDynamoDbStores({ client: dynamo.client, table: await dynamo.createTable() });
  const bed = await startAwsQueueBed({ tokens: stores.timerTokens, ...bedOptions });
  const received: Job[] = [];
  const h: Harness = {
    bed,
    tokens: stores.timerTokens,
    received,
    start: ({ handle, batch } = {}) =>
      bed.start((records) =>
        processSqsBatch(
          records,
          async (message) => {
            if ("timer" in message) return bed.timers.fire(message.timer);
            received.push(message.job);
            await handle?.(message.job);
          },
          { maxDeliveries: 100, onDrop: (_message, _deliveries, error) => Promise.reject(error), ...batch },
        ),
      ),
  };
  let failures: string[] = [];
  try {
    await test(h);
  } finally {
    failures = bed.pollerFailures();
    await bed.close();
  }
  if (failures.length > 0) throw new Error(`the bed's pollers failed: ${failures.join("; ")}`);
}

/** Another client of the bed's SQS server, with its own retry budget (closed by the caller). */
function sqsClient(bed: AwsQueueBed, maxAttempts?: number): SQSClient {
  return new SQSClient(awsClientConfig({ region: "us-east-1", endpoint: bed.sqs.endpoint, credentials: BED_CREDENTIALS, maxAttempts }));
}

/** The messages waiting in a queue nobody consumes (the dead-letter queue), read once (they stay in flight afterwards). */
async function peek(bed: AwsQueueBed, queueUrl: string): Promise<{ job: Job; group?: string; receives: number }[]> {
  const out = await bed.sqs.client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, AttributeNames: ["All"] as never, MessageSystemAttributeNames: ["All"] }),
  );
  return (out.Messages ?? []).map((m) => {
    const message = decodeMessage(m.Body ?? "", m.MessageId ?? "?");
    if (!("job" in message)) throw new Error("a timer firing in the run queue's dead-letter queue");
    return { job: message.job, group: m.Attributes?.MessageGroupId, receives: Number(m.Attributes?.ApproximateReceiveCount) };
  });
}

describe("SqsRunQueue on SQS FIFO", () => {
  it("splits enqueueAll by size too: seven route jobs carrying 200 KB events go out in calls of at most 1 MiB, and all arrive", () =>
    withHarness(async (h) => {
      const client = sqsClient(h.bed);
      const sizes: number[] = [];
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "SendMessageBatchCommand") {
            sizes.push(((args.input as SendMessageBatchCommandInput).Entries ?? []).reduce((total, entry) => total + Buffer.byteLength(entry.MessageBody ?? ""), 0));
          }
          return next(args);
        },
        { step: "initialize", name: "measureBatches" },
      );
      try {
        const queue = new SqsRunQueue({ client, queueUrl: h.bed.runQueueUrl });
        const jobs: Job[] = Array.from({ length: 7 }, (_, i) => ({
          type: "route",
          eventId: `01KQBIGEVENT00000000000${i}`.slice(0, 26),
          name: "app/big",
          event: { id: `e${i}`, name: "app/big", data: { blob: "x".repeat(200 * 1024) }, user: {}, ts: 0 } as never,
        }));
        await queue.enqueueAll(jobs);
        expect(sizes.length).toBeGreaterThanOrEqual(2);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 * 1024);
        h.start();
        await h.bed.advance(0);
        expect(byId(h.received)).toEqual(byId(jobs));
      } finally {
        client.destroy();
      }
    }),
  );

  it(
    "sends 25 jobs in SendMessageBatch calls of at most 10 with one job of a group each, delivers each once, and keeps one group's order across the calls",
    () =>
      withHarness(async (h) => {
        const client = sqsClient(h.bed);
        const calls: string[] = [];
        const batches: number[] = [];
        client.middlewareStack.add(
          (next, context) => async (args) => {
            calls.push(context.commandName as string);
            if (context.commandName === "SendMessageBatchCommand") batches.push((args.input as SendMessageBatchCommandInput).Entries?.length ?? 0);
            return next(args);
          },
          { step: "initialize", name: "countSends" },
        );
        try {
          const queue = new SqsRunQueue({ client, queueUrl: h.bed.runQueueUrl });
          // One run's 13 steps on the even places, so the group spans all three calls; 12 other groups between.
          const ordered = Array.from({ length: 13 }, (_, i) => aWake("ordered", `s${String(i).padStart(2, "0")}`));
          const others = [...oneOfEachJob(), aWake("other", "x")];
          const jobs: Job[] = Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? ordered[i / 2] : others[(i - 1) / 2]) as Job);
          expect(new Set(jobs.map(jobId)).size).toBe(25);

          await queue.enqueueAll(jobs);
          // A call never carries two jobs of a group: a partly failed call must not reorder one.
          expect(batches).toEqual(Array.from({ length: 12 }, () => 2).concat([1]));
          expect(calls.every((call) => call === "SendMessageBatchCommand")).toBe(true);

          // Each step of the group holds it a while, earlier steps longer: a group handed out
          // as separate messages side by side would overlap and finish out of order.
          const isOrdered = (job: Job) => jobGroup(job) === jobGroup(ordered[0] as Job);
          let busy = false;
          let overlaps = 0;
          h.start({
            handle: async (job) => {
              if (!isOrdered(job)) return;
              if (busy) overlaps++;
              busy = true;
              await new Promise((resolve) => setTimeout(resolve, 40 - 3 * Number(stepOf(job).slice(1))));
              busy = false;
            },
          });
          await h.bed.advance(0);
          await h.bed.advance(REDELIVERY);
          expect(byId(h.received)).toEqual(byId(jobs));
          expect(h.received.filter(isOrdered).map(stepOf)).toEqual(ordered.map(stepOf));
          expect(overlaps).toBe(0);
        } finally {
          client.destroy();
        }
      }),
    TIMEOUT,
  );

  describe("deduplication", () => {
    it(
      "delivers a job enqueued twice, singly and in a batch, once",
      () =>
        withHarness(async (h) => {
          const job = aWake("dup", "s");
          const other = aWake("dup-other", "s");
          await h.bed.runQueue.enqueue(job);
          await h.bed.runQueue.enqueue({ ...job });
          await h.bed.runQueue.enqueueAll([{ ...job }, other, { ...other }]);
          h.start();
          await h.bed.advance(0);
          await h.bed.advance(REDELIVERY);
          expect(byId(h.received)).toEqual(byId([job, other]));
        }),
      TIMEOUT,
    );

    it(
      "does not let a job enqueued directly swallow the same job fired by its timer: the firing has a deduplication id of its own",
      () =>
        withHarness(async (h) => {
          const job = aWake("timer-dup", "s");
          const id = jobId(job);
          await h.bed.runQueue.enqueue(job);
          // The timer is due now; its firing is handled while the direct enqueue is still in the queue.
          const at = h.bed.clock.now();
          await h.bed.timers.schedule({ id, at, job });
          const token = (await h.tokens.get(id))?.token as string;
          await h.bed.timers.fire({ id, at, token, job });
          expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(2);
          // Fired once: the same firing again (SQS delivering the delay message twice) adds nothing.
          await h.bed.timers.fire({ id, at, token, job });
          expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(2);

          h.start();
          await h.bed.advance(0);
          await h.bed.advance(REDELIVERY);
          expect(h.received).toEqual([job, job]);
        }),
      TIMEOUT,
    );
  });

  describe("dead-letter queue", () => {
    const failing = aWake("poison", "s");
    const steady = aWake("steady", "s");
    const alwaysFails = async (job: Job) => {
      if (jobId(job) === jobId(failing)) throw new Error("handler fails every time");
    };

    it(
      "moves a job that fails every delivery to the dead-letter queue after maxReceiveCount when its drop fails too",
      () =>
        withHarness(
          async (h) => {
            const drops: number[] = [];
            h.start({
              handle: alwaysFails,
              batch: {
                maxDeliveries: 2,
                giveUpAfterMs: 0,
                onDrop: async (_message, deliveries) => {
                  drops.push(deliveries);
                  throw new Error("store down");
                },
              },
            });
            await h.bed.runQueue.enqueue(failing);
            await h.bed.runQueue.enqueue(steady);
            await h.bed.advance(0);
            // Delivered at 0, 30 and 60 s; after the third visibility timeout SQS moves it.
            for (let i = 0; i < 3; i++) await h.bed.advance(REDELIVERY);

            expect(h.received.filter((job) => jobId(job) === jobId(failing))).toHaveLength(3);
            expect(drops).toEqual([2, 3]);
            expect(h.received.filter((job) => jobId(job) === jobId(steady))).toHaveLength(1);
            expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(0);
            expect(await h.bed.sqs.pending(h.bed.deadLetterUrl)).toBe(1);
            const dead = await peek(h.bed, h.bed.deadLetterUrl);
            expect(dead.map((d) => [d.job, d.group])).toEqual([[failing, jobGroup(failing)]]);
          },
          { maxReceiveCount: 3 },
        ),
      TIMEOUT,
    );

    it(
      "acknowledges a job that fails every delivery once its drop succeeded: nothing reaches the dead-letter queue",
      () =>
        withHarness(
          async (h) => {
            const drops: [Job, number][] = [];
            h.start({
              handle: alwaysFails,
              batch: {
                maxDeliveries: 2,
                giveUpAfterMs: 0,
                onDrop: async (message, deliveries) => void drops.push(["job" in message ? message.job : message.timer.job, deliveries]),
              },
            });
            await h.bed.runQueue.enqueue(failing);
            await h.bed.advance(0);
            for (let i = 0; i < 3; i++) await h.bed.advance(REDELIVERY);

            expect(h.received).toEqual([failing, failing]);
            expect(drops).toEqual([[failing, 2]]);
            expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(0);
            expect(await h.bed.sqs.pending(h.bed.deadLetterUrl)).toBe(0);
          },
          { maxReceiveCount: 3 },
        ),
      TIMEOUT,
    );
  });

  describe.each(["ThrottlingException", "RequestThrottled"])("throttling (%s)", (errorName) => {
    /** A client whose sends of `command` fail as throttled while `throttle(n)` has turns left, with no retry of its own. */
    function throttlingClient(bed: AwsQueueBed, command: string): { client: SQSClient; throttle: (turns: number[]) => void; sends: () => number } {
      const client = sqsClient(bed, 1);
      let throttled = new Set<number>();
      let sends = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName !== command) return next(args);
          if (throttled.has(++sends)) throw Object.assign(new Error("Rate exceeded"), { name: errorName, $fault: "client", $metadata: { httpStatusCode: 400 } });
          return next(args);
        },
        { step: "finalizeRequest", name: "throttle" },
      );
      return { client, throttle: (turns) => void (throttled = new Set(turns)), sends: () => sends };
    }

    it(
      "rejects enqueue with ThrottledError, and the job is delivered once when enqueue is retried",
      () =>
        withHarness(async (h) => {
          const { client, throttle } = throttlingClient(h.bed, "SendMessageCommand");
          try {
            const queue = new SqsRunQueue({ client, queueUrl: h.bed.runQueueUrl });
            const job = aWake("throttled", "s");
            throttle([1]);
            const refused = await queue.enqueue(job).then(
              () => undefined,
              (error: unknown) => error,
            );
            expect(refused).toBeInstanceOf(ThrottledError);
            expect((refused as Error).message).toContain(errorName);
            expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(0);

            await queue.enqueue(job);
            h.start();
            await h.bed.advance(0);
            await h.bed.advance(REDELIVERY);
            expect(h.received).toEqual([job]);
          } finally {
            client.destroy();
          }
        }),
      TIMEOUT,
    );

    it(
      "rejects enqueueAll with ThrottledError when a later batch is throttled, and a retry delivers every job once",
      () =>
        withHarness(async (h) => {
          const { client, throttle, sends } = throttlingClient(h.bed, "SendMessageBatchCommand");
          try {
            const queue = new SqsRunQueue({ client, queueUrl: h.bed.runQueueUrl });
            const jobs = Array.from({ length: 15 }, (_, i) => aWake(`bulk${i}`, `s${String(i).padStart(2, "0")}`));
            throttle([2]);
            await expect(queue.enqueueAll(jobs)).rejects.toBeInstanceOf(ThrottledError);
            expect(sends()).toBe(2);
            expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(10);

            await queue.enqueueAll(jobs);
            h.start();
            await h.bed.advance(0);
            await h.bed.advance(REDELIVERY);
            expect(byId(h.received)).toEqual(byId(jobs));
          } finally {
            client.destroy();
          }
        }),
      TIMEOUT,
    );
  });
});
