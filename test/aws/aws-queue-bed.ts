import { SchedulerClient, CreateScheduleGroupCommand } from "@aws-sdk/client-scheduler";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Clock } from "../../core";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import type { SqsBatchResponse, SqsRecord } from "../../adapters/aws/sqs/sqs-batch";
import { SqsRunQueue } from "../../adapters/aws/sqs/sqs-run-queue";
import { AwsTimers } from "../../adapters/aws/timers/aws-timers";
import type { TimerTokenStore } from "../../adapters/aws/timers/timer-token-store";
import { advanceBed } from "../../aws-local/bed-advance";
import { BedClock } from "../../aws-local/bed-clock";
import { SchedulerEmulator } from "../../aws-local/scheduler-emulator";
import { SqsPoller, type Activity } from "../../aws-local/sqs-poller";
import { BED_CREDENTIALS, startSqsServer, type SqsServer } from "../../aws-local/sqs-server";

/** The visibility timeout of the bed's queues: how long a failed message stays away. */
export const BED_VISIBILITY_SECONDS = 30;
/** The bed's schedule group and Scheduler role (the emulator checks neither role nor policy). */
export const BED_SCHEDULE_GROUP = "ferry-test";
const BED_ROLE_ARN = "arn:aws:iam::123456789012:role/ferry-scheduler";

/**
 * Ferry's queues on the offline bed: a FIFO run queue with its dead-letter queue and a standard
 * delay queue on local-aws-sqs, the Scheduler emulator firing into the delay queue, and the
 * adapters under test on top; all on one `BedClock`, so jumping it crosses SQS delays,
 * visibility timeouts and schedules in an instant.
 */
export interface AwsQueueBed {
  clock: BedClock;
  sqs: SqsServer;
  scheduler: SchedulerEmulator;
  /** The Scheduler emulator's endpoint, for clients of its API. */
  schedulerEndpoint: string;
  /** The delay queue's ARN (the target of every schedule). */
  delayQueueArn: string;
  /** The schedule group and the role Scheduler assumes. */
  scheduleGroup: string;
  schedulerRoleArn: string;
  runQueue: SqsRunQueue;
  timers: AwsTimers;
  runQueueUrl: string;
  delayQueueUrl: string;
  deadLetterUrl: string;
  /** Starts consuming both queues with `consume` (the Lambda consumer's function). */
  start(consume: (records: SqsRecord[]) => Promise<SqsBatchResponse>): void;
  /** Jumps the clock by `ms` and resolves once both queues are drained of everything due. */
  advance(ms: number): Promise<void>;
  /** Problems the pollers met (receive or delete failures): a healthy bed has none. */
  pollerFailures(): string[];
  close(): Promise<void>;
}

/** What the bed is built on besides SQS and Scheduler. */
export interface AwsQueueBedOptions {
  tokens: TimerTokenStore;
  /** Where the clock starts. @default now */
  start?: number;
  /** The run queue's redrive `maxReceiveCount`. @default 10 */
  maxReceiveCount?: number;
}

/** Starts the bed; every bed has its own servers, so no deduplication memory crosses tests. */
export async function startAwsQueueBed(options: AwsQueueBedOptions): Promise<AwsQueueBed> {
  const clock = new BedClock(options.start);
  const sqs = await startSqsServer(clock.now());
  const visibility = { VisibilityTimeout: String(BED_VISIBILITY_SECONDS) };
  const deadLetterUrl = await sqs.createQueue("ferry-dlq.fifo", { ContentBasedDeduplication: "false" });
  const redrive = JSON.stringify({ deadLetterTargetArn: sqs.arnOf("ferry-dlq.fifo"), maxReceiveCount: options.maxReceiveCount ?? 10 });
  const runQueueUrl = await sqs.createQueue("ferry-run.fifo", { ...visibility, RedrivePolicy: redrive });
  const delayQueueUrl = await sqs.createQueue("ferry-delay", visibility);
  const scheduler = new SchedulerEmulator({
    clock,
    // AWS invokes a schedule anywhere within its minute: the bed takes the latest edge, the
    // hardest case for the hand-over to the delay queue.
    firingOffsetMs: 59_000,
    deliver: async (target) => {
      await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.urlOfArn(target.Arn), MessageBody: target.Input ?? "" }));
    },
  });
  const { endpoint } = await scheduler.start();
  const schedulerClient = new SchedulerClient(awsClientConfig({ region: "us-east-1", endpoint, credentials: BED_CREDENTIALS }));
  await schedulerClient.send(new CreateScheduleGroupCommand({ Name: BED_SCHEDULE_GROUP }));
  clock.onJump(async (ms) => {
    await sqs.advance(ms);
    await scheduler.fireDue();
  });
  const runQueue = new SqsRunQueue({ client: sqs.client, queueUrl: runQueueUrl });
  const timers = new AwsTimers({
    clock: clock as Clock,
    tokens: options.tokens,
    sqs: sqs.client,
    delayQueueUrl,
    delayQueueArn: sqs.arnOf("ferry-delay"),
    scheduler: schedulerClient,
    scheduleGroup: BED_SCHEDULE_GROUP,
    schedulerRoleArn: BED_ROLE_ARN,
    runQueue,
  });
  const activity: Activity = { last: performance.now() };
  let pollers: SqsPoller[] = [];
  return {
    clock,
    sqs,
    scheduler,
    schedulerEndpoint: endpoint,
    delayQueueArn: sqs.arnOf("ferry-delay"),
    scheduleGroup: BED_SCHEDULE_GROUP,
    schedulerRoleArn: BED_ROLE_ARN,
    runQueue,
    timers,
    runQueueUrl,
    delayQueueUrl,
    deadLetterUrl,
    start: (consume) => {
      pollers = [
        new SqsPoller(sqs.client, runQueueUrl, consume, { activity, eventSourceARN: sqs.arnOf("ferry-run.fifo") }),
        new SqsPoller(sqs.client, delayQueueUrl, consume, { activity, concurrency: 2, eventSourceARN: sqs.arnOf("ferry-delay") }),
      ];
      for (const poller of pollers) poller.start();
    },
    advance: (ms) => advanceBed({ clock, sqs, scheduler, pollers, activity }, ms),
    pollerFailures: () => pollers.flatMap((p) => p.failures),
    close: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
      schedulerClient.destroy();
      await scheduler.close();
      await sqs.close();
    },
  };
}
