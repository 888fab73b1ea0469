import type { AwsResources } from "../adapters/aws/aws-engine";

/** What every Ferry Lambda reads from its environment (the CDK stack sets it). */
export interface LambdaConfig {
  stage: string;
  region: string;
  resources: AwsResources;
  signingKeySecretArn: string;
  eventKeySecretArn: string;
  payloadThresholdBytes: number;
  /** SDKs may report steps through the checkpoint API (`FERRY_CHECKPOINTING`, default on). */
  checkpointing: boolean;
  /** How long the executor waits for an app's answer (ms). */
  callTimeoutMs: number;
}

const REQUIRED = {
  stage: "FERRY_STAGE",
  table: "FERRY_TABLE",
  runQueueUrl: "FERRY_RUN_QUEUE_URL",
  delayQueueUrl: "FERRY_DELAY_QUEUE_URL",
  delayQueueArn: "FERRY_DELAY_QUEUE_ARN",
  busName: "FERRY_BUS_NAME",
  bucket: "FERRY_BUCKET",
  scheduleGroup: "FERRY_SCHEDULE_GROUP",
  schedulerRoleArn: "FERRY_SCHEDULER_ROLE_ARN",
  signingKeySecretArn: "FERRY_SIGNING_KEY_SECRET_ARN",
  eventKeySecretArn: "FERRY_EVENT_KEY_SECRET_ARN",
  region: "AWS_REGION",
} as const;

/**
 * Reads the Lambda's configuration, naming every missing variable at once: a stack deployed
 * with a handler from another version fails its first call with the list, not a `undefined` deep
 * inside an SDK call.
 */
export function readLambdaConfig(env: NodeJS.ProcessEnv): LambdaConfig {
  const missing = Object.values(REQUIRED).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`Ferry Lambda misconfigured: missing environment variables ${missing.join(", ")}`);
  const value = (key: keyof typeof REQUIRED) => env[REQUIRED[key]] as string;
  return {
    stage: value("stage"),
    region: value("region"),
    resources: {
      table: value("table"),
      runQueueUrl: value("runQueueUrl"),
      delayQueueUrl: value("delayQueueUrl"),
      delayQueueArn: value("delayQueueArn"),
      busName: value("busName"),
      bucket: value("bucket"),
      scheduleGroup: value("scheduleGroup"),
      schedulerRoleArn: value("schedulerRoleArn"),
      // Only the runner reads the route queue; the others are not told of it.
      ...(env.FERRY_ROUTE_QUEUE_URL ? { routeQueueUrl: env.FERRY_ROUTE_QUEUE_URL } : {}),
    },
    signingKeySecretArn: value("signingKeySecretArn"),
    eventKeySecretArn: value("eventKeySecretArn"),
    payloadThresholdBytes: positiveInteger(env, "FERRY_PAYLOAD_THRESHOLD_BYTES", 64 * 1024),
    checkpointing: flag(env, "FERRY_CHECKPOINTING", true),
    callTimeoutMs: positiveInteger(env, "FERRY_CALL_TIMEOUT_MS", 290_000),
  };
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "false") return raw === "true";
  throw new Error(`Ferry Lambda misconfigured: ${name} must be true or false (got ${JSON.stringify(raw)})`);
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`Ferry Lambda misconfigured: ${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return parsed;
}
