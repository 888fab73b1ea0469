import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import type { FerryQueues } from "./ferry-queues";
import { runFailureRate } from "./ferry-metrics";
import { pascalCase } from "./names";

/** Properties of {@link FerryAlarms}. */
export interface FerryAlarmsProps {
  /** Deployment stage (metric dimension, alarm names). */
  readonly stage: string;
  /** The queues, for DLQ and age alarms. */
  readonly queues: FerryQueues;
  /** The executor function. */
  readonly executor: lambda.IFunction;
  /** Failure-rate threshold, 0 to 1. */
  readonly failureRateThreshold: number;
  /** Run queue oldest-message age threshold, in seconds. */
  readonly queueAgeThresholdSeconds: number;
  /**
   * Topic notified on alarm and back to OK.
   * @default - none
   */
  readonly alarmTopic?: sns.ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The alarms an operator acts on: work that was given up (any DLQ message), runs failing,
 * the executor erroring or throttled, and the run queue falling behind.
 */
export class FerryAlarms extends Construct {
  /** Every alarm, in creation order. */
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: FerryAlarmsProps) {
    super(scope, id);
    const name = (what: string) => `Ferry-${props.stage}-${what}`;
    const dlqAlarms = props.queues.all.map(({ label, deadLetterQueue }) =>
      deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, `${pascalCase(label)}DeadLetters`, {
          alarmName: name(`${label}-dlq-not-empty`),
          alarmDescription: `Messages in the ${label} dead-letter queue: work Ferry gave up on. Inspect, fix, then redrive.`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
    const failureRate = runFailureRate(props.stage, FIVE_MINUTES).createAlarm(this, "RunFailureRate", {
      alarmName: name("run-failure-rate"),
      alarmDescription: `More than ${props.failureRateThreshold * 100}% of the runs that finished in 5 minutes failed.`,
      threshold: props.failureRateThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No finished run in a window is no evidence of failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const atLeastOnce = (metric: cloudwatch.Metric, id: string, what: string, description: string) =>
      metric.createAlarm(this, id, {
        alarmName: name(what),
        alarmDescription: description,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const executorErrors = atLeastOnce(
      props.executor.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      "ExecutorErrors",
      "executor-errors",
      "The executor Lambda failed an invocation (a crash or timeout, not a failing user step).",
    );
    const executorThrottles = atLeastOnce(
      props.executor.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
      "ExecutorThrottles",
      "executor-throttles",
      "The executor Lambda was throttled: raise the account's concurrency or lower executorConcurrency.",
    );
    const queueAge = props.queues.run.queue
      .metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, "RunQueueAge", {
        alarmName: name("run-queue-age"),
        alarmDescription: `The oldest run transition waited more than ${props.queueAgeThresholdSeconds} s: the executor is falling behind.`,
        threshold: props.queueAgeThresholdSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [...dlqAlarms, failureRate, executorErrors, executorThrottles, queueAge];
    if (props.alarmTopic) {
      const action = new actions.SnsAction(props.alarmTopic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
