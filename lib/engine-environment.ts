import type { Duration } from "aws-cdk-lib";
import { CALL_TIMEOUT_MARGIN } from "./engine-function-specs";
import type { EngineResources } from "./engine-resources";

/** Values shared by every function that the resources do not hold. */
export interface EngineEnvironmentOptions {
  /** Payloads above this size go to S3. */
  readonly payloadThresholdBytes: number;
  /** Whether SDKs may report steps through the checkpoint API. */
  readonly checkpointing: boolean;
}

/**
 * The environment every Ferry Lambda gets; `lambdas/environment.ts` reads these names. Every
 * function has the same Powertools service name, so its metrics carry the dimensions the
 * dashboard and alarms ask for (`service=ferry`, plus `stage`).
 */
export function engineEnvironment(resources: EngineResources, options: EngineEnvironmentOptions): Record<string, string> {
  const { state, queues, bus, timers, secrets } = resources;
  return {
    FERRY_STAGE: resources.stage,
    FERRY_TABLE: state.table.tableName,
    FERRY_RUN_QUEUE_URL: queues.run.queue.queueUrl,
    FERRY_DELAY_QUEUE_URL: queues.delay.queue.queueUrl,
    FERRY_DELAY_QUEUE_ARN: queues.delay.queue.queueArn,
    FERRY_BUS_NAME: bus.bus.eventBusName,
    FERRY_BUCKET: state.bucket.bucketName,
    FERRY_SCHEDULE_GROUP: timers.scheduleGroupName,
    FERRY_SCHEDULER_ROLE_ARN: timers.schedulerRole.roleArn,
    FERRY_SIGNING_KEY_SECRET_ARN: secrets.signingKey.secretArn,
    FERRY_EVENT_KEY_SECRET_ARN: secrets.eventKey.secretArn,
    FERRY_PAYLOAD_THRESHOLD_BYTES: String(options.payloadThresholdBytes),
    FERRY_CHECKPOINTING: String(options.checkpointing),
    POWERTOOLS_SERVICE_NAME: "ferry",
    POWERTOOLS_METRICS_NAMESPACE: "Ferry",
    POWERTOOLS_LOG_LEVEL: "INFO",
  };
}

/**
 * The extra environment of a function that calls user apps: how long to wait for an app (its
 * own `timeout` minus a margin to record the outcome). Which URLs need SigV4 is not listed: the
 * caller signs every Lambda function URL, which an `AuthType: NONE` URL ignores.
 */
export function callEnvironment(timeout: Duration): Record<string, string> {
  return {
    FERRY_CALL_TIMEOUT_MS: String(timeout.toMilliseconds() - CALL_TIMEOUT_MARGIN.toMilliseconds()),
  };
}
