import { randomUUID } from "node:crypto";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { CreateScheduleCommand, DeleteScheduleCommand, UpdateScheduleCommand, type CreateScheduleCommandInput, type SchedulerClient } from "@aws-sdk/client-scheduler";
import { nextCronTime, stableHash, type Clock, type Job, type TimerRecord, type Timers } from "../../../core";
import { awsCall, awsErrorName } from "../aws-errors";
import { encodeTimer, type TimerFiring } from "../sqs/queue-message";
import type { SqsRunQueue } from "../sqs/sqs-run-queue";
import { toAwsCron, type AwsCron } from "./aws-cron";
import { atExpression, scheduleName } from "./schedule-names";
import type { TimerTokenStore } from "./timer-token-store";

/** Where timers go. */
export interface AwsTimersOptions {
  clock: Clock;
  tokens: TimerTokenStore;
  sqs: SQSClient;
  /** URL of the standard queue that carries delayed firings (per-message `DelaySeconds`). */
  delayQueueUrl: string;
  /** Its ARN: the target of the Scheduler schedules. */
  delayQueueArn: string;
  scheduler: SchedulerClient;
  /** The schedule group, `ferry-<stage>`. */
  scheduleGroup: string;
  /** The role Scheduler assumes to send to the delay queue. */
  schedulerRoleArn: string;
  /** Where due jobs go. */
  runQueue: SqsRunQueue;
}

/** SQS delays a message by at most 15 minutes. */
export const MAX_DELAY_MS = 900_000;
/**
 * How early a Scheduler schedule fires before its timer is due. Scheduler fires to the minute,
 * so firing two minutes early, rounded down, always lands before `at` and leaves less than
 * 15 minutes for the SQS delay to cover to the second.
 */
export const HANDOVER_MS = 2 * 60_000;

/** How early a firing may arrive and still be waited for in place (ms). */
const SHORT_WAIT_MS = 1000;

/** Tokens of cron triggers kept as recurring Scheduler schedules end in this. */
const RECURRING = ".r";
/** The `at` of a recurring schedule's token, so no TTL ever collects it (the latest time a Date holds). */
const RECURRING_TOKEN_AT = 8.64e15;
/** Scheduler's context attribute for a firing's scheduled time. */
const SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";
/** The largest target input Ferry sends to Scheduler. */
const MAX_INPUT_BYTES = 8192;

/** Tokens of timers that went through Scheduler end in this, so a cancel knows to delete the schedule. */
const VIA_SCHEDULER = ".s";

/**
 * Timers on SQS and EventBridge Scheduler. A timer due within 15 minutes is a message on the
 * delay queue with `DelaySeconds` (whole seconds, rounded up: never early); a later one is a
 * one-time schedule, named by the timer id, that fires a little early into the delay queue,
 * which covers the last stretch to the second. Neither can be recalled reliably, so each timer
 * has a stored token: scheduling again stores a new one (the old firings no longer match),
 * cancelling removes it, and a firing acts only while its token is the stored one.
 */
export class AwsTimers implements Timers {
  constructor(private readonly options: AwsTimersOptions) {}

  async schedule(timer: TimerRecord): Promise<void> {
    // A cron trigger's tick (a timer at the job's own point, which is a point of its
    // expression) is kept as the trigger's recurring schedule; any other timer fires once.
    const job = timer.job;
    const tick = job.type === "cron" && job.at === timer.at && nextCronTime(job.cron, timer.at - 1) === timer.at ? job : undefined;
    const cron = tick ? toAwsCron(tick.cron) : undefined;
    if (tick && cron) return this.scheduleCron(timer.id, tick, cron);
    const viaScheduler = timer.at - this.options.clock.now() > MAX_DELAY_MS;
    const token = `${randomUUID()}${viaScheduler ? VIA_SCHEDULER : ""}`;
    // The token first: a firing that arrives before it is stored would be ignored and lost.
    await this.options.tokens.put({ id: timer.id, token, at: timer.at, job: timer.job });
    const firing: TimerFiring = { id: timer.id, at: timer.at, token, job: timer.job };
    if (viaScheduler) await this.writeOneTimeSchedule(firing);
    else await this.delay(firing);
  }

  /**
   * Writes a timer's one-time schedule, then checks that the stored token is still its own. Two
   * schedules of one id racing (store token 1, store token 2, write schedule 2, write schedule 1)
   * would otherwise leave schedule 1 in place, whose firing the token check ignores: the timer
   * would be lost. A writer that finds a newer token writes the schedule again from the stored
   * timer, so the last schedule written always carries the stored token.
   */
  private async writeOneTimeSchedule(firing: TimerFiring): Promise<void> {
    let current = firing;
    for (let round = 0; round < 3; round++) {
      await this.putSchedule(scheduleName(current.id), atExpression(current.at - HANDOVER_MS), "UTC", "DELETE", encodeTimer(current, MAX_INPUT_BYTES));
      const stored = await this.options.tokens.get(current.id);
      // Gone (cancelled or fired), or a newer timer on the delay queue: a stale schedule is ignored when it fires.
      if (!stored?.job || stored.token === current.token || !stored.token.endsWith(VIA_SCHEDULER)) return;
      current = { id: stored.id, at: stored.at, token: stored.token, job: stored.job };
    }
  }

  async cancel(id: string): Promise<void> {
    const stored = await this.options.tokens.get(id);
    if (!stored) return;
    // The schedule first: a token left behind by a cancel cut short is found by the retry, while
    // a recurring schedule left behind without its token would fire into nothing for ever.
    if (stored.token.endsWith(VIA_SCHEDULER) || stored.token.endsWith(RECURRING)) {
      const name = scheduleName(id);
      try {
        await awsCall(`delete schedule ${name}`, () => this.options.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.scheduleGroup })));
      } catch (error) {
        if (awsErrorName((error as Error).cause) !== "ResourceNotFoundException") throw error;
      }
    }
    await this.options.tokens.delete(id);
  }

  /**
   * Acts on a firing from the delay queue: hands it back to the queue while it is early, ignores
   * it when its timer was replaced or cancelled, else enqueues the job and retires the token.
   * Delivered twice, it enqueues under the same deduplication id.
   */
  async fire(firing: TimerFiring): Promise<void> {
    const early = firing.at - this.options.clock.now();
    // Another machine's clock (SQS's, Scheduler's) may call it due a little before ours does:
    // wait out a short remainder rather than send it around for another whole second.
    if (early > SHORT_WAIT_MS) return this.delay(firing);
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    const stored = await this.options.tokens.get(firing.id);
    if (stored?.token !== firing.token) return;
    await this.options.runQueue.send(firing.job, `timer.${stableHash([firing.id, String(firing.at), firing.token], 40)}`);
    // A recurring schedule keeps its token: it fires again at its next point.
    if (!firing.token.endsWith(RECURRING)) await this.options.tokens.delete(firing.id, firing.token);
  }

  /**
   * A cron trigger's timer as one recurring Scheduler schedule, named by the timer id, whose
   * firings carry their scheduled time. The core schedules the next tick after each one; that
   * writes the same token and schedule again (an update), which also repairs a schedule a failed
   * or cut-short earlier call left unwritten: skipping the write while the token is unchanged
   * would leave such a trigger silent for good.
   */
  private async scheduleCron(id: string, job: Extract<Job, { type: "cron" }>, cron: AwsCron): Promise<void> {
    const token = `cron.${stableHash([job.functionId, job.cron, cron.expression, cron.timezone], 32)}${RECURRING}`;
    // A recurring schedule's token must outlive any expiry: its `at` is the end of time.
    await this.options.tokens.put({ id, token, at: RECURRING_TOKEN_AT });
    // Scheduler fills in each firing's time where the placeholder stands (a string, read back by decodeMessage).
    const at = SCHEDULED_TIME as unknown as number;
    const input = encodeTimer({ id, at, token, job: { ...job, at } });
    await this.putSchedule(scheduleName(id), cron.expression, cron.timezone, "NONE", input);
  }

  private async delay(firing: TimerFiring): Promise<void> {
    const seconds = Math.min(MAX_DELAY_MS / 1000, Math.max(0, Math.ceil((firing.at - this.options.clock.now()) / 1000)));
    await awsCall(`delay timer ${firing.id}`, () =>
      this.options.sqs.send(new SendMessageCommand({ QueueUrl: this.options.delayQueueUrl, MessageBody: encodeTimer(firing), DelaySeconds: seconds })),
    );
  }

  private async putSchedule(name: string, expression: string, timezone: string, after: "DELETE" | "NONE", targetInput: string): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: name,
      GroupName: this.options.scheduleGroup,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: after,
      Target: { Arn: this.options.delayQueueArn, RoleArn: this.options.schedulerRoleArn, Input: targetInput },
    };
    try {
      await awsCall(`create schedule ${input.Name}`, () => this.options.scheduler.send(new CreateScheduleCommand(input)));
    } catch (error) {
      // Replacing by id: the name is taken by this timer's earlier schedule.
      if (awsErrorName((error as Error).cause) !== "ConflictException") throw error;
      await awsCall(`update schedule ${input.Name}`, () => this.options.scheduler.send(new UpdateScheduleCommand(input)));
    }
  }
}
