import { randomUUID } from "node:crypto";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { CreateScheduleCommand, DeleteScheduleCommand, UpdateScheduleCommand, type CreateScheduleCommandInput, type SchedulerClient } from "@aws-sdk/client-scheduler";
import { stableHash, type Clock, type TimerRecord, type Timers } from "../../../core";
import { awsCall, awsErrorName } from "../aws-errors";
import { encodeTimer, type TimerFiring } from "../sqs/queue-message";
import type { SqsRunQueue } from "../sqs/sqs-run-queue";
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
    const viaScheduler = timer.at - this.options.clock.now() > MAX_DELAY_MS;
    const token = `${randomUUID()}${viaScheduler ? VIA_SCHEDULER : ""}`;
    // The token first: a firing that arrives before it is stored would be ignored and lost.
    await this.options.tokens.put({ id: timer.id, token, at: timer.at });
    const firing: TimerFiring = { id: timer.id, at: timer.at, token, job: timer.job };
    if (viaScheduler) await this.putSchedule(firing);
    else await this.delay(firing);
  }

  async cancel(id: string): Promise<void> {
    const stored = await this.options.tokens.get(id);
    if (!stored) return;
    await this.options.tokens.delete(id);
    if (!stored.token.endsWith(VIA_SCHEDULER)) return;
    // Tidiness only: a schedule left behind fires into a missing token and is ignored.
    const name = scheduleName(id);
    try {
      await awsCall(`delete schedule ${name}`, () => this.options.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.scheduleGroup })));
    } catch (error) {
      if (awsErrorName((error as Error).cause) !== "ResourceNotFoundException") throw error;
    }
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
    await this.options.tokens.delete(firing.id, firing.token);
  }

  private async delay(firing: TimerFiring): Promise<void> {
    const seconds = Math.min(MAX_DELAY_MS / 1000, Math.max(0, Math.ceil((firing.at - this.options.clock.now()) / 1000)));
    await awsCall(`delay timer ${firing.id}`, () =>
      this.options.sqs.send(new SendMessageCommand({ QueueUrl: this.options.delayQueueUrl, MessageBody: encodeTimer(firing), DelaySeconds: seconds })),
    );
  }

  private async putSchedule(firing: TimerFiring): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(firing.id),
      GroupName: this.options.scheduleGroup,
      ScheduleExpression: atExpression(firing.at - HANDOVER_MS),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: { Arn: this.options.delayQueueArn, RoleArn: this.options.schedulerRoleArn, Input: encodeTimer(firing, 256 * 1024) },
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
