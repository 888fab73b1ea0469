import { Duration, RemovalPolicy, Token } from "aws-cdk-lib";
import type * as events from "aws-cdk-lib/aws-events";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sns from "aws-cdk-lib/aws-sns";
import { FerryConfigError } from "./errors";

/** An extra EventBridge rule whose matching events are routed to Ferry's runner. */
export interface ExtraEventRule {
  /** Construct id of the rule (unique among the extra rules). */
  readonly id: string;
  /** Which events to route, e.g. `{ source: ["aws.s3"] }`. */
  readonly eventPattern: events.EventPattern;
  /**
   * The bus the rule listens on.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
}

/** Throttling of the HTTP API's default stage. */
export interface ApiThrottle {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Burst of requests above the rate. */
  readonly burstLimit: number;
}

/** Properties of a {@link FerryEngine}. */
export interface FerryEngineProps {
  /**
   * Name of this deployment; part of resource names (`ferry-<stage>`), metric dimensions and the
   * dashboard. Lowercase letters, digits and `-`, at most 20 characters.
   * @default "prod"
   */
  readonly stage?: string;
  /**
   * Retention of every Lambda's and the HTTP API's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Days a large payload stays in the payload bucket before S3 expires it.
   * @default 30
   */
  readonly payloadRetentionDays?: number;
  /**
   * Payloads larger than this many bytes go to S3 instead of a DynamoDB item (400 KB limit).
   * @default 65536
   */
  readonly payloadThresholdBytes?: number;
  /**
   * Let SDKs run many steps in one call and report each finished step to the REST API's
   * checkpoint endpoint (on the api Lambda), instead of one executor call per step. Turn it off
   * when your apps cannot reach the api Lambda (`INNGEST_API_BASE_URL`): each report would be
   * retried before the SDK falls back. See docs/operations.md, "Cost".
   * @default true
   */
  readonly checkpointing?: boolean;
  /**
   * Give the api Lambda a function URL (the stack's `SdkApiUrl` output) for apps' SDKs:
   * registration and checkpoints, one request per step, without the HTTP API's charge of $1.00
   * per 1M requests and outside `apiThrottle`. Apps point `INNGEST_API_BASE_URL` at it and keep
   * `INNGEST_BASE_URL` on the HTTP API for events. Turn it off where function URLs with auth
   * type NONE are not allowed (an SCP); apps then use the HTTP API for everything. The api
   * Lambda checks the signing key on every route either way. See docs/operations.md, "Cost".
   * @default true
   */
  readonly sdkFunctionUrl?: boolean;
  /**
   * Topic every alarm notifies (on alarm and back to OK).
   * @default - alarms only change state
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Timeout of the executor Lambda, so the longest a single call to a user function may take
   * (minus 10 s of bookkeeping). Between 30 s and 15 min.
   * @default Duration.minutes(5)
   */
  readonly executorTimeout?: Duration;
  /**
   * Maximum concurrent executor invocations from the run queue (SQS event source
   * `maxConcurrency`, 2 to 1000). Caps the load Ferry puts on user apps.
   * @default - no cap beyond the account's Lambda concurrency
   */
  readonly executorConcurrency?: number;
  /**
   * What happens to the table, the payload bucket, the secrets and the log groups when they
   * leave the stack. Keep RETAIN for production: runs and keys outlive a mistaken `cdk destroy`.
   * With DESTROY, empty the payload bucket before deleting the stack (no `autoDeleteObjects`:
   * it would add a CDK-owned Lambda).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * DynamoDB deletion protection on the state table.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * More EventBridge rules whose events reach the runner like events sent to Ferry.
   * @default - only events from Ferry's own bus with source "ferry"
   */
  readonly extraEventRules?: readonly ExtraEventRule[];
  /**
   * Alarm when failed runs / (completed + failed runs) over 5 minutes exceeds this (0 to 1).
   * @default 0.1
   */
  readonly failureRateThreshold?: number;
  /**
   * Alarm when the oldest message of the run queue is older than this many seconds.
   * @default 300
   */
  readonly queueAgeThresholdSeconds?: number;
  /**
   * Throttling of the HTTP API (event and REST API share the stage). With `checkpointing` and
   * without `sdkFunctionUrl`, every step an SDK reports is one request, so this also caps steps
   * per second.
   * @default { rateLimit: 1000, burstLimit: 2000 }
   */
  readonly apiThrottle?: ApiThrottle;
  /**
   * Bucket that receives the payload bucket's S3 server access logs.
   * @default - no server access logs (the Lambdas are the only readers and writers; use
   * CloudTrail data events for an audit trail)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/** {@link FerryEngineProps} with every default applied and every value checked. */
export type ResolvedEngineProps = Required<Omit<FerryEngineProps, "alarmTopic" | "executorConcurrency" | "serverAccessLogsBucket">> &
  Pick<FerryEngineProps, "alarmTopic" | "executorConcurrency" | "serverAccessLogsBucket">;

/** Applies defaults and validates, throwing a {@link FerryConfigError} that names the prop. */
export function resolveEngineProps(props: FerryEngineProps = {}): ResolvedEngineProps {
  const resolved: ResolvedEngineProps = {
    alarmTopic: props.alarmTopic,
    executorConcurrency: props.executorConcurrency,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    stage: props.stage ?? "prod",
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    payloadRetentionDays: props.payloadRetentionDays ?? 30,
    payloadThresholdBytes: props.payloadThresholdBytes ?? 65536,
    checkpointing: props.checkpointing ?? true,
    sdkFunctionUrl: props.sdkFunctionUrl ?? true,
    executorTimeout: props.executorTimeout ?? Duration.minutes(5),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    deletionProtection: props.deletionProtection ?? true,
    extraEventRules: props.extraEventRules ?? [],
    failureRateThreshold: props.failureRateThreshold ?? 0.1,
    queueAgeThresholdSeconds: props.queueAgeThresholdSeconds ?? 300,
    apiThrottle: props.apiThrottle ?? { rateLimit: 1000, burstLimit: 2000 },
  };
  validate(resolved);
  return resolved;
}

function validate(p: ResolvedEngineProps): void {
  // The stage is part of bus, schedule group and queue names; those allow little more than this.
  if (Token.isUnresolved(p.stage) || !/^[a-z0-9-]{1,20}$/.test(p.stage)) {
    throw new FerryConfigError("stage", `${JSON.stringify(p.stage)} must be 1-20 characters of a-z, 0-9 and "-" (a literal, not a token)`);
  }
  const timeoutSeconds = p.executorTimeout.toSeconds();
  if (timeoutSeconds < 30 || timeoutSeconds > 900) {
    throw new FerryConfigError("executorTimeout", `${p.executorTimeout.toHumanString()} must be between 30 seconds and 15 minutes (Lambda's maximum)`);
  }
  checkInteger("payloadRetentionDays", p.payloadRetentionDays, 1, 3650);
  // DynamoDB items are limited to 400 KB; the threshold leaves room for the rest of the item.
  checkInteger("payloadThresholdBytes", p.payloadThresholdBytes, 1024, 350 * 1024);
  // Lambda's SQS event source accepts a maximum concurrency of 2 to 1000.
  if (p.executorConcurrency !== undefined) checkInteger("executorConcurrency", p.executorConcurrency, 2, 1000);
  checkNumber("failureRateThreshold", p.failureRateThreshold, (v) => v > 0 && v < 1, "must be greater than 0 and less than 1");
  checkInteger("queueAgeThresholdSeconds", p.queueAgeThresholdSeconds, 1, 14 * 24 * 3600);
  checkInteger("apiThrottle.rateLimit", p.apiThrottle.rateLimit, 1, 1_000_000);
  checkInteger("apiThrottle.burstLimit", p.apiThrottle.burstLimit, 1, 1_000_000);
  const ids = p.extraEventRules.map((rule) => rule.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new FerryConfigError("extraEventRules", `rule id ${JSON.stringify(duplicate)} is used twice`);
}

function checkInteger(prop: string, value: number, min: number, max: number): void {
  checkNumber(prop, value, (v) => Number.isInteger(v) && v >= min && v <= max, `must be an integer from ${min} to ${max}`);
}

function checkNumber(prop: string, value: number, ok: (value: number) => boolean, rule: string): void {
  // A token (e.g. a CfnParameter) is only known at deploy time; CloudFormation checks it then.
  if (Token.isUnresolved(value)) return;
  if (!ok(value)) throw new FerryConfigError(prop, `${value} ${rule}`);
}
