import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { consumerOf, functionTimeout, type ConsumedQueue, type EngineFunctionName } from "./engine-function-specs";
import { resolveEngineProps, type FerryEngineProps } from "./engine-props";
import { FerryBus } from "./ferry-bus";
import { FerryFunctions } from "./ferry-functions";
import { FerryHttpApi } from "./ferry-http-api";
import { FerryMonitoring } from "./ferry-monitoring";
import { FerryQueues } from "./ferry-queues";
import { FerrySdkUrl } from "./ferry-sdk-url";
import { FerrySecrets } from "./ferry-secrets";
import { FerryState } from "./ferry-state";
import { FerryTimers } from "./ferry-timers";

/**
 * A complete Ferry engine in one construct: HTTP API -> ingest -> event bus -> route queue ->
 * runner -> run queue (FIFO) -> executor -> user apps, with DynamoDB state, S3 payloads,
 * Scheduler timers, two generated keys, a dashboard and alarms.
 *
 * @example
 * const engine = new FerryEngine(stack, "Ferry", { stage: "prod", alarmTopic });
 * new FerryApp(stack, "Shop", { engine, url: "https://shop.example.com/api/inngest" });
 */
export class FerryEngine extends Construct {
  /** Deployment stage. */
  readonly stage: string;
  /** Base URL of the event API; clients send to `<eventApiUrl>e/<eventKey>`. */
  readonly eventApiUrl: string;
  /** Base URL of the REST API (the same HTTP API as events). */
  readonly restApiUrl: string;
  /**
   * Base URL apps' SDKs register and report checkpoints at (`INNGEST_API_BASE_URL`): the api
   * Lambda's function URL, or the REST API's URL with `sdkFunctionUrl: false`.
   */
  readonly sdkApiUrl: string;
  /** The signing key secret, `{"key": "<64 hex>"}`. */
  readonly signingKeySecret: secretsmanager.ISecret;
  /** The event key secret, `{"key": "<64 hex>"}`. */
  readonly eventKeySecret: secretsmanager.ISecret;
  /** The state table. */
  readonly table: dynamodb.ITable;
  /** The payload bucket. */
  readonly bucket: s3.IBucket;
  /** Run, delay and route queues with their DLQs. */
  readonly queues: FerryQueues;
  /** Every engine function by name. */
  readonly functions: Readonly<Record<EngineFunctionName, lambda.IFunction>>;
  /** The function behind `FerryApp` custom resources. */
  readonly appSyncFunction: lambda.IFunction;
  /** Dashboard and alarms. */
  readonly monitoring: FerryMonitoring;
  private readonly engineFunctions: FerryFunctions;

  constructor(scope: Construct, id: string, props: FerryEngineProps = {}) {
    super(scope, id);
    const p = resolveEngineProps(props);
    this.stage = p.stage;

    const state = new FerryState(this, "State", p);
    const consumerTimeout = (queue: ConsumedQueue) => functionTimeout(consumerOf(queue), p.executorTimeout);
    const queues = new FerryQueues(this, "Queues", {
      runConsumerTimeout: consumerTimeout("run"),
      delayConsumerTimeout: consumerTimeout("delay"),
      routeConsumerTimeout: consumerTimeout("route"),
    });
    const bus = new FerryBus(this, "Events", { stage: p.stage, route: queues.route, extraEventRules: p.extraEventRules });
    const timers = new FerryTimers(this, "Timers", { stage: p.stage, delayQueue: queues.delay.queue });
    const secrets = new FerrySecrets(this, "Secrets", p);
    this.engineFunctions = new FerryFunctions(this, "Functions", {
      ...p,
      resources: { stage: p.stage, state, queues, bus, timers, secrets },
    });
    const functions = this.engineFunctions.lambdas;
    const http = new FerryHttpApi(this, "Http", {
      stage: p.stage,
      ingest: functions.ingest,
      api: functions.api,
      throttle: p.apiThrottle,
      logRetention: p.logRetention,
      removalPolicy: p.removalPolicy,
    });
    this.monitoring = new FerryMonitoring(this, "Monitoring", { ...p, queues, functions });

    this.eventApiUrl = http.url;
    this.restApiUrl = http.url;
    this.sdkApiUrl = p.sdkFunctionUrl ? new FerrySdkUrl(this, "SdkUrl", { api: functions.api }).url : http.url;
    this.signingKeySecret = secrets.signingKey;
    this.eventKeySecret = secrets.eventKey;
    this.table = state.table;
    this.bucket = state.bucket;
    this.queues = queues;
    this.functions = functions;
    this.appSyncFunction = functions.appSync;
  }

  /**
   * Registers a function whose URL uses AWS_IAM auth: the functions that call apps (executor,
   * app-sync, api) may invoke its URL, signing with SigV4.
   */
  allowIamApp(fn: lambda.IFunction): void {
    this.engineFunctions.allowIamApp(fn);
  }
}
