import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { defaultSettings, FunctionCatalog, type Clock, type EngineDeps, type EngineObserver, type EngineSettings, type FunctionCaller } from "../../core";
import { UlidIds } from "../common/ulid-ids";
import { awsClientConfig, type AwsConnection } from "./aws-client-config";
import { createDynamoDbStores } from "./dynamodb/dynamodb-stores";
import { EventBridgeEventBus } from "./eventbridge-event-bus";
import { S3PayloadStore } from "./s3-payload-store";
import { queueConsumer, type QueueConsumerOptions } from "./sqs/queue-consumer";
import { receiveCountBackoff, visibilityBackoff } from "./sqs/retry-backoff";
import { routeQueueConsumer } from "./sqs/route-queue-consumer";
import type { SqsBatchResponse, SqsRecord } from "./sqs/sqs-batch";
import { SqsRunQueue } from "./sqs/sqs-run-queue";
import { AwsTimers } from "./timers/aws-timers";

/** The AWS resources of one Ferry deployment (the CDK stack passes them to its Lambdas). */
export interface AwsResources {
  /** The DynamoDB table made from `ferryTableDefinition`. */
  table: string;
  /** The FIFO run queue. */
  runQueueUrl: string;
  /** The standard queue that carries timer firings. */
  delayQueueUrl: string;
  delayQueueArn: string;
  /** The EventBridge bus, `ferry-<stage>`. */
  busName: string;
  /** The payload bucket. */
  bucket: string;
  /** The Scheduler schedule group, `ferry-<stage>`. */
  scheduleGroup: string;
  /** The role Scheduler assumes to send firings to the delay queue. */
  schedulerRoleArn: string;
  /** The standard queue the bus rule feeds and the runner reads (needed only by `consumeRoutes`). */
  routeQueueUrl?: string;
}

/** How to reach each service: one connection for all, or one per service (the offline test bed runs a server per service). */
export interface AwsConnections {
  dynamodb: AwsConnection;
  sqs: AwsConnection;
  s3: AwsConnection & { forcePathStyle?: boolean };
  eventbridge: AwsConnection;
  scheduler: AwsConnection;
}

/** What the AWS engine is built from. */
export interface AwsEngineOptions {
  resources: AwsResources;
  connections: AwsConnections;
  /** Calls user endpoints (the signing HTTP caller). */
  caller: FunctionCaller;
  clock: Clock;
  settings?: Partial<EngineSettings>;
  observer?: EngineObserver;
  /** How the queue consumer behaves (drop threshold, a wrapped job handler for fault injection). */
  consumer?: QueueConsumerOptions;
  /** Wraps each SDK client as it is made (the Lambdas pass X-Ray tracing's `captureAWSv3Client`). */
  instrumentClient?: <Client extends object>(client: Client) => Client;
}

/** The engine core wired to DynamoDB, SQS, Scheduler, EventBridge and S3, and the consumer of its queues. */
export interface AwsEngine {
  deps: EngineDeps;
  timers: AwsTimers;
  runQueue: SqsRunQueue;
  /** Handles a batch of SQS records from either queue; returns the partial-batch answer. */
  consume(records: readonly SqsRecord[]): Promise<SqsBatchResponse>;
  /** Handles a batch from the route queue (EventBridge envelopes); returns the partial-batch answer. */
  consumeRoutes(records: readonly SqsRecord[]): Promise<SqsBatchResponse>;
  /** Frees the SDK clients' sockets. */
  destroy(): void;
}

/**
 * Builds the engine on AWS. A Lambda builds it once per cold start; every part is stateless
 * between calls apart from the SDK clients' connection pools.
 *
 * @example
 * const engine = createAwsEngine({ resources, connections: sameConnection({ region: "eu-west-1" }), caller, clock: { now: () => Date.now() } });
 * export const handler = (event: { Records: SqsRecord[] }) => engine.consume(event.Records);
 */
export function createAwsEngine(options: AwsEngineOptions): AwsEngine {
  const { resources, connections, clock } = options;
  const instrument = options.instrumentClient ?? (<Client>(client: Client) => client);
  const dynamodb = instrument(new DynamoDBClient(awsClientConfig(connections.dynamodb)));
  const sqs = instrument(new SQSClient(awsClientConfig(connections.sqs)));
  const s3 = instrument(new S3Client({ ...awsClientConfig(connections.s3), forcePathStyle: connections.s3.forcePathStyle }));
  const eventbridge = instrument(new EventBridgeClient(awsClientConfig(connections.eventbridge)));
  const scheduler = instrument(new SchedulerClient(awsClientConfig(connections.scheduler)));
  const stores = createDynamoDbStores({ client: dynamodb, table: resources.table, now: () => clock.now() });
  const runQueue = new SqsRunQueue({ client: sqs, queueUrl: resources.runQueueUrl });
  const timers = new AwsTimers({
    clock,
    tokens: stores.timerTokens,
    sqs,
    delayQueueUrl: resources.delayQueueUrl,
    delayQueueArn: resources.delayQueueArn,
    scheduler,
    scheduleGroup: resources.scheduleGroup,
    schedulerRoleArn: resources.schedulerRoleArn,
    runQueue,
  });
  const observer = options.observer ?? {};
  const deps: EngineDeps = {
    clock,
    ids: new UlidIds(clock),
    events: stores.events,
    runs: stores.runs,
    apps: stores.apps,
    waits: stores.waits,
    flow: stores.flow,
    backlog: stores.backlog,
    skips: stores.skips,
    payloads: new S3PayloadStore({ client: s3, bucket: resources.bucket }),
    queue: runQueue,
    timers,
    bus: new EventBridgeEventBus({ client: eventbridge, busName: resources.busName }),
    caller: options.caller,
    catalog: new FunctionCatalog(stores.apps, () => clock.now()),
    observer,
    settings: { ...defaultSettings, ...options.settings },
  };
  // Records name their queue by ARN; the two queues are told apart by name.
  const delayQueueName = resources.delayQueueArn.split(":").pop();
  const queueUrlOf = (record: SqsRecord) => (record.eventSourceARN?.split(":").pop() === delayQueueName ? resources.delayQueueUrl : resources.runQueueUrl);
  const consume = queueConsumer(deps, timers, { retryLater: visibilityBackoff(sqs, queueUrlOf, () => clock.now()), attempts: stores.attempts, ...options.consumer });
  const routeQueueUrl = resources.routeQueueUrl;
  const consumeRoutes = routeQueueConsumer(deps, {
    retryLater: routeQueueUrl === undefined ? undefined : visibilityBackoff(sqs, () => routeQueueUrl, () => clock.now(), receiveCountBackoff),
    handle: options.consumer?.handle,
  });
  return {
    deps,
    timers,
    runQueue,
    consume,
    consumeRoutes,
    destroy: () => {
      for (const client of [dynamodb, sqs, s3, eventbridge, scheduler]) client.destroy();
    },
  };
}

/** The same connection for every service (a real AWS region). */
export function sameConnection(connection: AwsConnection): AwsConnections {
  return { dynamodb: connection, sqs: connection, s3: connection, eventbridge: connection, scheduler: connection };
}
