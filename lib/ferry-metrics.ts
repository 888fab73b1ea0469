import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";

/** CloudWatch namespace of Ferry's custom metrics (`POWERTOOLS_METRICS_NAMESPACE`). */
export const FERRY_METRICS_NAMESPACE = "Ferry";

/** The custom metrics the handlers emit (Powertools EMF), by their exact names. */
export type FerryMetricName =
  | "EventsReceived"
  | "RunsStarted"
  | "RunsCompleted"
  | "RunsFailed"
  | "RunsCancelled"
  | "StepDuration"
  | "StepAttempts"
  | "QueueLag"
  | "LeaseContention"
  | "TimerLateness";

/**
 * A custom Ferry metric of one stage. The dimensions are the ones every handler emits:
 * `service` from `POWERTOOLS_SERVICE_NAME` (the same for all six) and `stage`.
 */
export function ferryMetric(stage: string, metricName: FerryMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: FERRY_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: "ferry", stage },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...options,
  });
}

/**
 * Share of finished runs that failed: failed / (completed + failed). Missing counts are read as 0
 * so that a window with only failures still yields 1; a window with no finished runs yields no
 * value, which the alarm treats as not breaching.
 */
export function runFailureRate(stage: string, period: Duration = Duration.minutes(5)): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: "FILL(failed, 0) / (FILL(completed, 0) + FILL(failed, 0))",
    usingMetrics: {
      failed: ferryMetric(stage, "RunsFailed", { period }),
      completed: ferryMetric(stage, "RunsCompleted", { period }),
    },
    label: "Run failure rate",
    period,
  });
}
