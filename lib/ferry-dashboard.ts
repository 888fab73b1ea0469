import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import type { EngineFunctionName } from "./engine-function-specs";
import type { FerryQueues } from "./ferry-queues";
import { ferryMetric, runFailureRate, type FerryMetricName } from "./ferry-metrics";

/** Properties of {@link FerryDashboard}. */
export interface FerryDashboardProps {
  /** Deployment stage; the dashboard is named `Ferry-<stage>`. */
  readonly stage: string;
  /** The queues to chart. */
  readonly queues: FerryQueues;
  /** The functions to chart. */
  readonly functions: Readonly<Record<EngineFunctionName, lambda.IFunction>>;
}

const PERIOD = Duration.minutes(1);
const WIDE = 12;

/**
 * One CloudWatch dashboard per stage: what flows through the engine (events, runs, steps),
 * where it waits (queue lag, lease contention, timer lateness), and the plumbing underneath
 * (each queue's backlog and each Lambda's errors, throttles and duration).
 */
export class FerryDashboard extends Construct {
  /** The dashboard `Ferry-<stage>`. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FerryDashboardProps) {
    super(scope, id);
    const m = (name: FerryMetricName, options: cloudwatch.MetricOptions = {}) => ferryMetric(props.stage, name, { period: PERIOD, ...options });
    const percentiles = (name: FerryMetricName, unit: string) => [
      m(name, { statistic: "p50", label: `${name} p50 (${unit})` }),
      m(name, { statistic: "p99", label: `${name} p99 (${unit})` }),
    ];
    const graph = (title: string, left: cloudwatch.IMetric[], width = WIDE) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `Ferry-${props.stage}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      graph("Events in", [m("EventsReceived")]),
      graph("Runs", [m("RunsStarted"), m("RunsCompleted"), m("RunsFailed"), m("RunsCancelled")]),
    );
    this.dashboard.addWidgets(
      graph("Step duration", percentiles("StepDuration", "ms"), 8),
      graph("Step attempts", [m("StepAttempts")], 8),
      graph("Run failure rate (5 min)", [runFailureRate(props.stage)], 8),
    );
    this.dashboard.addWidgets(
      graph("Queue lag", [...percentiles("QueueLag", "ms"), m("QueueLag", { statistic: cloudwatch.Stats.MAXIMUM, label: "QueueLag max (ms)" })], 8),
      graph("Lease contention", [m("LeaseContention")], 8),
      graph("Timer lateness", [...percentiles("TimerLateness", "ms"), m("TimerLateness", { statistic: cloudwatch.Stats.MAXIMUM, label: "TimerLateness max (ms)" })], 8),
    );
    const queues = props.queues.all.flatMap(({ label, queue, deadLetterQueue }) => [
      { label, queue },
      { label: `${label} DLQ`, queue: deadLetterQueue },
    ]);
    this.dashboard.addWidgets(
      graph("Queue visible messages", queues.map(({ label, queue }) => queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label }))),
      graph("Queue age of oldest message (s)", queues.map(({ label, queue }) => queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label }))),
    );
    const functions = Object.entries(props.functions) as [EngineFunctionName, lambda.IFunction][];
    const perFunction = (metric: (fn: lambda.IFunction, options: cloudwatch.MetricOptions) => cloudwatch.Metric, statistic: string) =>
      functions.map(([label, fn]) => metric(fn, { period: PERIOD, statistic, label }));
    this.dashboard.addWidgets(
      graph("Lambda errors", perFunction((fn, o) => fn.metricErrors(o), cloudwatch.Stats.SUM), 8),
      graph("Lambda throttles", perFunction((fn, o) => fn.metricThrottles(o), cloudwatch.Stats.SUM), 8),
      graph("Lambda duration p99 (ms)", perFunction((fn, o) => fn.metricDuration(o), "p99"), 8),
    );
  }
}
