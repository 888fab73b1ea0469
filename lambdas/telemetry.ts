import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { EngineObserver, RunRecord } from "../core";

/** The Powertools trio every Ferry Lambda logs, counts and traces with. */
export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** Metric names on the dashboard and alarms (namespace `Ferry`, dimensions `service` and `stage`). */
export const METRICS = {
  eventsReceived: "EventsReceived",
  runsStarted: "RunsStarted",
  runsCompleted: "RunsCompleted",
  runsFailed: "RunsFailed",
  runsCancelled: "RunsCancelled",
  stepDuration: "StepDuration",
  stepAttempts: "StepAttempts",
  queueLag: "QueueLag",
  leaseContention: "LeaseContention",
  timerLateness: "TimerLateness",
} as const;

/**
 * Builds the Lambda's telemetry. Service name and namespace come from Powertools' own variables
 * (`POWERTOOLS_SERVICE_NAME=ferry`, `POWERTOOLS_METRICS_NAMESPACE=Ferry`), the stage is a
 * dimension, so the alarms find the same series whichever Lambda emitted it.
 */
export function createTelemetry(stage: string): Telemetry {
  const logger = new Logger({ persistentKeys: { stage } });
  return { logger, metrics: new Metrics({ defaultDimensions: { stage }, logger }), tracer: new Tracer() };
}

/**
 * Writes what this invocation counted as one EMF line. An invocation that counted nothing (most
 * api requests) writes nothing: Powertools' own `publishStoredMetrics` logs a warning then, which
 * would put a WARN line in CloudWatch for every such request.
 */
export function publishMetrics(metrics: Metrics): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

const FINISHED_METRIC: Partial<Record<RunRecord["status"], string>> = {
  Completed: METRICS.runsCompleted,
  Failed: METRICS.runsFailed,
  Cancelled: METRICS.runsCancelled,
};

/** The fields that tie a log line to a run: run id, function id and the triggering event. */
export function runFields(run: RunRecord): Record<string, unknown> {
  return { runId: run.id, functionId: run.functionId, eventId: run.events[0]?.id ?? run.eventIds?.[0] };
}

/**
 * The engine's observer on Powertools: one metric per thing that happened, and a JSON log line
 * carrying the run, function and event ids. Step completions log at debug only: a busy
 * deployment would otherwise pay CloudWatch Logs for a line per step.
 */
export function telemetryObserver({ logger, metrics }: Telemetry): EngineObserver {
  return {
    eventReceived: (name, id) => {
      metrics.addMetric(METRICS.eventsReceived, MetricUnit.Count, 1);
      logger.debug("event received", { eventId: id, eventName: name });
    },
    runStarted: (run) => {
      metrics.addMetric(METRICS.runsStarted, MetricUnit.Count, 1);
      logger.info("run started", runFields(run));
    },
    runFinished: (run) => {
      const metric = FINISHED_METRIC[run.status];
      if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
      const fields = { ...runFields(run), status: run.status, durationMs: run.endedAt === undefined ? undefined : run.endedAt - run.createdAt };
      if (run.status === "Failed") logger.warn("run finished", { ...fields, error: run.error });
      else logger.info("run finished", fields);
    },
    stepFinished: (run, step) => {
      if (step.endedAt !== undefined) metrics.addMetric(METRICS.stepDuration, MetricUnit.Milliseconds, Math.max(0, step.endedAt - step.startedAt));
      metrics.addMetric(METRICS.stepAttempts, MetricUnit.Count, step.attempts);
      logger.debug("step finished", { ...runFields(run), stepId: step.name, status: step.status, attempts: step.attempts });
    },
    stepRetrying: (run, step, error, at) => logger.warn("step retrying", { ...runFields(run), stepId: step?.name, error, nextAttemptAt: new Date(at).toISOString() }),
    runPaused: (run) => {
      if (run.waiting?.type === "concurrency") metrics.addMetric(METRICS.leaseContention, MetricUnit.Count, 1);
      logger.debug("run paused", { ...runFields(run), waiting: run.waiting });
    },
    problem: (message, error) => logError(logger, message, error),
  };
}

/** Logs a failure with its stack when it is an `Error`, else its text. */
export function logError(logger: Logger, message: string, error: unknown): void {
  if (error instanceof Error) logger.error(message, error);
  else logger.error(message, { error: String(error) });
}
