import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CreateScheduleGroupCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import type { SqsRecord } from "../../adapters/aws/sqs/sqs-batch";
import { advanceBed } from "../bed-advance";
import { BedClock } from "../bed-clock";
import { startDynalite, type DynaliteBed } from "../dynalite-bed";
import { EventBridgeEmulator } from "../eventbridge-emulator";
import type { HttpApiEmulatorOptions } from "../http-api-emulator";
import { LambdaHost } from "../lambda-host/lambda-host";
import { S3RVER_CREDENTIALS, startS3 } from "../s3-bed";
import { SchedulerEmulator } from "../scheduler-emulator";
import { SecretsManagerEmulator } from "../secrets-manager-emulator";
import { SqsPoller, type Activity } from "../sqs-poller";
import { startSqsServer, type SqsServer } from "../sqs-server";
import { resourcesOfType, type SynthesizedStack } from "./cloud-assembly";
import { BED_ACCOUNT, BED_REGION, resolveIntrinsics, resolveString, type IntrinsicLookup } from "./intrinsics";
import { ENGINE_FUNCTIONS, functionLogicalId, matchesPattern, type EngineFunction } from "./resource-names";
import { Teardown } from "./teardown";
import { standUpSecrets } from "./stack-secrets";
import { standUpHttpFronts } from "./http-fronts";
import { RequestCounter } from "./request-counter";

const repoRoot = resolve(__dirname, "../..");

/** Faults a test switches on: what AWS's at-least-once delivery and Lambda's limits may do. */
export interface ProdBedFaults {
  /**
   * Every SQS batch is handed to its function twice (as a lost delete or an expired visibility
   * timeout would), every schedule fires twice, and EventBridge delivers every event twice.
   * Set it through `deliverTwice`.
   */
  readonly duplicates: boolean;
  /** The next batch this function gets kills its environment mid-invocation (a timeout, an out-of-memory). */
  crashNext?: EngineFunction;
}

/** How a stack stands on the bed: the tests' jumpable bed, or `ferry aws-local`'s long-running one. */
export interface ProdBedOptions {
  /** The clock's start (epoch ms). @default now */
  start?: number;
  /** The HTTP API's port. @default a free port */
  port?: number;
  /** The HTTP API's address. @default "127.0.0.1" */
  host?: string;
  /**
   * Keep state in this directory across restarts: DynamoDB (LevelDB files), S3 objects, the
   * queues' messages and the schedules (snapshots written within a fraction of a second and on
   * `close`), and the generated keys. @default everything in memory or temporary files
   */
  dataDir?: string;
  /**
   * Time only passes on its own (`ferry aws-local`): schedules fire from a one-second poll and
   * the event sources poll long, as Lambda's do, instead of waiting for `advance`. @default false
   */
  wallClock?: boolean;
  /** The signing key's hex (the secret's `key`), instead of a generated (or kept) one. */
  signingKey?: string;
  /** The event key, instead of a generated (or kept) one. */
  eventKey?: string;
  /** Called with each log line of an engine function (its CloudWatch log stream); the bed then keeps only each function's last 200 lines. */
  onLogLine?: (fn: EngineFunction, line: string) => void;
  /** What stands in front of the HTTP API on this machine, given the deployment's keys. */
  front?: (keys: { signingKey: string; eventKey: string }) => HttpApiEmulatorOptions["front"];
}

/** The production topology of a synthesized stack, standing offline. */
export interface ProdBed {
  clock: BedClock;
  /** The HTTP API's URL (ends with `/`): the event API is `<url>e/<key>`, the REST API `<url>v1/...`. */
  apiUrl: string;
  /** Each function URL the stack declares (ends with `/`), by the function it invokes. */
  functionUrls: Partial<Record<EngineFunction, string>>;
  /** The generated secrets' keys: `signkey-prod-<hex>` and the event key. */
  signingKey: string;
  eventKey: string;
  /** Each engine function's execution environment (its log lines, invocations, cold starts). */
  functions: Record<EngineFunction, LambdaHost>;
  /** AWS requests by service and operation. */
  counter: RequestCounter;
  sqs: SqsServer;
  scheduler: SchedulerEmulator;
  eventbridge: EventBridgeEmulator;
  secrets: SecretsManagerEmulator;
  /** Every queue's URL, by logical id. */
  queueUrls: Record<string, string>;
  /** Messages put back on the queues from the data directory's last snapshot. */
  restoredMessages: number;
  /** Messages waiting in each dead-letter queue, by logical id. */
  deadLetters(): Promise<Record<string, number>>;
  /** Jumps the clock by `ms`, delivering everything that falls due on the way, and waits until nothing moves. */
  advance(ms: number): Promise<void>;
  /** Problems the event-source pollers met. */
  pollerFailures(): string[];
  /** At-least-once delivery and crashes, switched on by tests. */
  faults: ProdBedFaults;
  /** Turns duplicate delivery on or off everywhere (SQS batches, schedules, EventBridge). */
  deliverTwice(on: boolean): void;
  close(): Promise<void>;
}

/**
 * Stands a synthesized Ferry stack up on the offline bed, wired the way AWS wires it, from the
 * template itself: the table, queues (with their redrive policies and visibility timeouts),
 * bus and rule, schedule group and secrets it declares; each Lambda function from the bundle
 * `cdk synth` wrote, in its own process, with the environment the template gives it (intrinsic
 * functions resolved to the bed's resources) and nothing else; its SQS event sources as
 * pollers; its HTTP API routes on one loopback port. A request to any service passes a counting
 * proxy. Time is the bed's jumpable clock, shared by every process.
 */
export async function startProdBed(stack: SynthesizedStack, options: ProdBedOptions = {}): Promise<ProdBed> {
  const teardown = new Teardown();
  try {
    return await standUp(stack, options, teardown);
  } catch (error) {
    await teardown.run().catch(() => undefined);
    throw error;
  }
}

/** Everything `startProdBed` does, each start registering its stop with `teardown`. */
async function standUp(stack: SynthesizedStack, options: ProdBedOptions, teardown: Teardown): Promise<ProdBed> {
  const clock = new BedClock(options.start);
  const counter = new RequestCounter();
  const faults: { duplicates: boolean; crashNext?: EngineFunction } = { duplicates: false };
  const kept = (name: string) => (options.dataDir === undefined ? undefined : join(options.dataDir, name));
  if (options.dataDir !== undefined) mkdirSync(join(options.dataDir, "s3"), { recursive: true });
  const dynamo = teardown.add(await startDynalite({ path: kept("dynamodb") }), (started) => started.close());
  const s3 = teardown.add(await startS3({ directory: kept("s3") }), (started) => started.close());
  const sqs = teardown.add(await startSqsServer(clock.now(), { stateFile: kept("sqs.json") }), (started) => started.close());
  const eventbridge = teardown.add(await EventBridgeEmulator.start(), (started) => started.close());
  const secrets = teardown.add(await SecretsManagerEmulator.start(), (started) => started.close());
  // What EventBridge and Scheduler send to their SQS targets: a SendMessage billed to the
  // account, so counted like the bed's own requests.
  const sendOnBehalfOfAws = async (queueArn: string, body: string): Promise<void> => {
    counter.count("SQS.SendMessage");
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.urlOfArn(queueArn), MessageBody: body }));
  };
  const scheduler = new SchedulerEmulator({
    clock,
    // Schedules fire only from the jump listener below, once the SQS server has jumped too. A
    // background poll could fire in the middle of a jump: its message would reach an SQS server
    // still days behind, stamped with the old time, and the server's own catch-up would then run
    // the message's 4-day retention timer in the same tick and delete it (a lost timer).
    // On the wall clock nothing jumps, and a poll fires what falls due, as Scheduler does.
    pollMs: options.wallClock ? 1000 : 0,
    firingOffsetMs: 59_000,
    stateFile: kept("schedules.json"),
    deliver: async (target) => {
      for (let copy = faults.duplicates ? 2 : 1; copy > 0; copy--) await sendOnBehalfOfAws(target.Arn, target.Input ?? "");
    },
  });
  const { endpoint: schedulerEndpoint } = await scheduler.start();
  teardown.add(scheduler, (started) => started.close());
  // Its proxies are started below; closing one that never started does nothing.
  teardown.add(counter, (started) => started.close());
  // After every process has taken the new time: a delivery must not reach a function (or an
  // app) that still lives minutes or days in the past.
  clock.onJump(async (ms) => {
    await sqs.advance(ms);
    await scheduler.fireDue();
  }, "delivers");
  const endpoints = {
    DYNAMODB: await counter.proxy("DynamoDB", dynamo.endpoint),
    S3: await counter.proxy("S3", s3.endpoint),
    SQS: await counter.proxy("SQS", sqs.endpoint),
    EVENTBRIDGE: await counter.proxy("EventBridge", eventbridge.endpoint),
    SCHEDULER: await counter.proxy("Scheduler", schedulerEndpoint),
    SECRETS_MANAGER: await counter.proxy("SecretsManager", secrets.endpoint),
  };

  const physical = new Map<string, { ref: string; attributes: Record<string, string> }>();
  const lookup: IntrinsicLookup = {
    ref: (id) => physical.get(id)?.ref ?? fail(`the bed has not stood up ${id}`),
    getAtt: (id, attribute) => physical.get(id)?.attributes[attribute] ?? fail(`the bed has no ${attribute} of ${id}`),
  };
  const props = (id: string) => (stack.resources[id]?.Properties ?? {}) as Record<string, unknown>;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${BED_REGION}:${BED_ACCOUNT}:${resource}`;

  // State: the table as declared (keys, index, billing), the bucket.
  for (const id of resourcesOfType(stack, "AWS::DynamoDB::Table")) {
    const name = `ferry-${id.toLowerCase()}`;
    await createTable(dynamo, { ...(props(id) as unknown as CreateTableCommandInput), TableName: name });
    physical.set(id, { ref: name, attributes: { Arn: arn("dynamodb", `table/${name}`) } });
  }
  for (const id of resourcesOfType(stack, "AWS::S3::Bucket")) {
    const name = await s3.createBucket();
    physical.set(id, { ref: name, attributes: { Arn: `arn:aws:s3:::${name}` } });
  }
  // Queues: dead-letter queues first, since redrive policies name them.
  const queueIds = resourcesOfType(stack, "AWS::SQS::Queue").sort((a, b) => Number(Boolean(props(a).RedrivePolicy)) - Number(Boolean(props(b).RedrivePolicy)));
  const deadLetterIds: string[] = [];
  for (const id of queueIds) {
    const p = props(id);
    const name = p.FifoQueue ? `${id}.fifo` : id;
    const attributes: Record<string, string> = {};
    if (p.FifoQueue) attributes.FifoQueue = "true";
    if (p.ContentBasedDeduplication !== undefined) attributes.ContentBasedDeduplication = String(p.ContentBasedDeduplication);
    if (p.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(p.VisibilityTimeout);
    if (p.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
    if (p.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(resolveIntrinsics(p.RedrivePolicy, lookup));
    // The functions reach the queue through the counting proxy: the SDK sends to a queue URL's own host.
    const url = (await sqs.createQueue(name, attributes)).replace(sqs.endpoint, endpoints.SQS);
    physical.set(id, { ref: url, attributes: { Arn: sqs.arnOf(name), QueueName: name, QueueUrl: url } });
  }
  for (const id of queueIds) {
    const target = (resolveIntrinsics(props(id).RedrivePolicy, lookup) as { deadLetterTargetArn?: string } | undefined)?.deadLetterTargetArn;
    const dlq = queueIds.find((other) => physical.get(other)?.attributes.Arn === target);
    if (dlq) deadLetterIds.push(dlq);
  }
  const restoredMessages = options.dataDir === undefined ? 0 : await sqs.restore();
  // Events, timers and secrets.
  const eventClient = new EventBridgeClient(awsClientConfig({ region: BED_REGION, endpoint: eventbridge.endpoint, credentials: S3RVER_CREDENTIALS }));
  for (const id of resourcesOfType(stack, "AWS::Events::EventBus")) {
    const name = resolveString(props(id).Name, lookup);
    await eventClient.send(new CreateEventBusCommand({ Name: name }));
    physical.set(id, { ref: name, attributes: { Arn: arn("events", `event-bus/${name}`), Name: name } });
  }
  eventClient.destroy();
  const schedulerClient = new SchedulerClient(awsClientConfig({ region: BED_REGION, endpoint: schedulerEndpoint, credentials: S3RVER_CREDENTIALS }));
  for (const id of resourcesOfType(stack, "AWS::Scheduler::ScheduleGroup")) {
    const name = resolveString(props(id).Name, lookup);
    await schedulerClient.send(new CreateScheduleGroupCommand({ Name: name })).catch((error: Error) => {
      // Kept from the last start (a data directory).
      if (error.name !== "ConflictException") throw error;
    });
    physical.set(id, { ref: name, attributes: { Arn: arn("scheduler", `schedule-group/${name}`) } });
  }
  schedulerClient.destroy();
  for (const id of resourcesOfType(stack, "AWS::IAM::Role")) physical.set(id, { ref: id, attributes: { Arn: arn("iam", `role/${id}`).replace(`:${BED_REGION}:`, "::") } });
  const stackSecrets = standUpSecrets(stack, secrets, { signingKey: options.signingKey, eventKey: options.eventKey, keptFile: kept("secrets.json") });
  for (const [id, secretArn] of stackSecrets.arns) physical.set(id, { ref: secretArn, attributes: {} });
  const { signingKey, eventKey } = stackSecrets;
  // Functions: each from its bundle, in its own process, with the template's environment.
  const runtimeModules = teardown.add(runtimeModulesDirectory(), (made) => made.remove());
  const functions = {} as Record<EngineFunction, LambdaHost>;
  const functionsById = new Map<string, LambdaHost>();
  for (const name of ENGINE_FUNCTIONS) {
    const id = functionLogicalId(stack, name);
    const p = props(id);
    const variables = resolveIntrinsics((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}, lookup) as Record<string, string>;
    const [file, exportName] = String(p.Handler).split(".") as [string, string];
    const host = new LambdaHost({
      name: id,
      bundle: join(stack.assetDirectory(id), `${file}.js`),
      exportName,
      env: {
        ...variables,
        AWS_REGION: BED_REGION,
        AWS_DEFAULT_REGION: BED_REGION,
        // s3rver checks these; the other servers take any.
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: "bed-session",
        ...Object.fromEntries(Object.entries(endpoints).map(([service, endpoint]) => [`AWS_ENDPOINT_URL_${service}`, endpoint])),
        FERRY_S3_FORCE_PATH_STYLE: "true",
        // The bed is not Lambda: no X-Ray daemon to send traces to.
        POWERTOOLS_TRACE_ENABLED: "false",
        // Lambda runs the bundles on nodejs22.x; the SDK's warning is about this machine's Node.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      clock,
      nodePath: runtimeModules.path,
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMb: Number(p.MemorySize ?? 128),
      ...(options.onLogLine ? { onLogLine: (line: string) => options.onLogLine?.(name, line), logLimit: 200 } : {}),
    });
    functions[name] = host;
    functionsById.set(id, host);
    physical.set(id, { ref: id, attributes: { Arn: arn("lambda", `function:${id}`) } });
  }
  // Each host starts its process on the first invocation; all close together.
  teardown.add(Object.values(functions), async (hosts) => void (await Promise.all(hosts.map((host) => host.close()))));
  // The bus's rules deliver to their targets (SQS queues), as EventBridge would.
  const rules = resourcesOfType(stack, "AWS::Events::Rule").map((id) => {
    const p = props(id);
    return {
      bus: p.EventBusName === undefined ? "default" : resolveString(p.EventBusName, lookup),
      pattern: p.EventPattern as Record<string, unknown>,
      targets: (p.Targets as { Arn: unknown }[]).map((target) => resolveString(target.Arn, lookup)),
    };
  });
  eventbridge.onEvent(async (delivery, bus) => {
    for (const rule of rules) {
      if (rule.bus !== bus || !matchesPattern(rule.pattern, delivery as unknown as Record<string, unknown>)) continue;
      for (const target of rule.targets) await sendOnBehalfOfAws(target, JSON.stringify(delivery));
    }
  });
  // SQS event sources: a poller per mapping, handing Lambda-shaped batches to the function.
  const activity: Activity = { last: performance.now() };
  const pollers: SqsPoller[] = resourcesOfType(stack, "AWS::Lambda::EventSourceMapping").map((id) => {
    const p = props(id);
    const queueArn = resolveString(p.EventSourceArn, lookup);
    const host = functionsById.get(resolveString(p.FunctionName, lookup)) ?? fail(`event source ${id} names an unknown function`);
    const reportsFailures = ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes("ReportBatchItemFailures");
    const name = ENGINE_FUNCTIONS.find((each) => functions[each] === host);
    const consume = async (records: SqsRecord[]) => {
      const event = { Records: records.map((record) => lambdaSqsRecord(record, queueArn)) };
      if (faults.crashNext !== undefined && faults.crashNext === name) {
        faults.crashNext = undefined;
        // Killed while it works on the batch: nothing of it is acknowledged.
        setTimeout(() => host.crash(), 15);
      }
      if (faults.duplicates) {
        counter.count("Lambda.Invoke");
        await host.invoke(event).catch(() => undefined);
      }
      counter.count("Lambda.Invoke");
      // The event source's own SQS requests are billed to the account too: the receive that
      // got this batch and the delete of what succeeded (its empty polls are left out).
      counter.count("SQS.ReceiveMessage");
      counter.count("SQS.DeleteMessageBatch");
      const answer = await host.invoke<{ batchItemFailures?: { itemIdentifier: string }[] } | null>(event);
      // Without ReportBatchItemFailures Lambda ignores the answer: a returned batch succeeded.
      return { batchItemFailures: reportsFailures ? (answer?.batchItemFailures ?? []) : [] };
    };
    return new SqsPoller(sqs.client, sqs.urlOfArn(queueArn), consume, {
      activity,
      eventSourceARN: queueArn,
      batchSize: Number(p.BatchSize ?? 10),
      waitTimeSeconds: options.wallClock ? 20 : 0,
    });
  });
  // The HTTP API and the function URLs, each door to its function.
  const fronts = teardown.add(
    await standUpHttpFronts(stack, { functionsById, lookup, counter }, { port: options.port, host: options.host, front: options.front?.({ signingKey, eventKey }) }),
    (started) => started.close(),
  );
  // Polling starts once the doors are open (a batch's call may report back through a function
  // URL); on close it stops first and lets the batches in flight finish.
  for (const poller of pollers) poller.start();
  teardown.add(pollers, async (started) => void (await Promise.all(started.map((poller) => poller.stop()))));
  const functionUrls: Partial<Record<EngineFunction, string>> = {};
  for (const name of ENGINE_FUNCTIONS) {
    const url = fronts.functionUrls.get(functionLogicalId(stack, name));
    if (url !== undefined) functionUrls[name] = url;
  }

  return {
    clock,
    apiUrl: fronts.apiUrl,
    functionUrls,
    signingKey,
    eventKey,
    restoredMessages,
    functions,
    counter,
    sqs,
    scheduler,
    eventbridge,
    secrets,
    queueUrls: Object.fromEntries(queueIds.map((id) => [id, physical.get(id)?.ref as string])),
    deadLetters: async () => {
      const out: Record<string, number> = {};
      for (const id of deadLetterIds) {
        const attributes = await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: physical.get(id)?.ref as string, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
        out[id] = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      }
      return out;
    },
    // Longer than the HTTP API's 30-second integration timeout: an app call may take that long.
    advance: (ms) => advanceBed({ clock, sqs, scheduler, pollers, activity, settleOthers: () => eventbridge.settle(), settleTimeoutMs: 120_000 }, ms),
    pollerFailures: () => pollers.flatMap((p) => p.failures),
    faults,
    deliverTwice: (on) => {
      faults.duplicates = on;
      eventbridge.deliverTwice(on);
    },
    close: () => teardown.run(),
  };
}

/** An SQS record in the shape Lambda's event source hands a function. */
function lambdaSqsRecord(record: SqsRecord, queueArn: string): Record<string, unknown> {
  return {
    ...record,
    attributes: Object.fromEntries(Object.entries({ SenderId: BED_ACCOUNT, ...record.attributes }).filter(([, value]) => value !== undefined)),
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: BED_REGION,
  };
}

async function createTable(dynamo: DynaliteBed, input: CreateTableCommandInput): Promise<void> {
  const { TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } = input;
  try {
    await dynamo.client.send(new CreateTableCommand({ TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode }));
  } catch (error) {
    // Kept from the last start (a data directory): its items are the state to go on from.
    if ((error as Error).name !== "ResourceInUseException") throw error;
  }
  while ((await dynamo.client.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus !== "ACTIVE") await new Promise((r) => setTimeout(r, 5));
}

/**
 * A directory holding only what the Lambda runtime provides besides Node: the AWS SDK v3
 * (`@aws-sdk/*` and the `@smithy/*` and `@aws-crypto/*` packages it is built from). A bundle
 * that needs anything else fails to load on the bed as it would on Lambda.
 */
function runtimeModulesDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "ferry-lambda-runtime-"));
  mkdirSync(path, { recursive: true });
  for (const scope of ["@aws-sdk", "@smithy", "@aws-crypto"]) symlinkSync(join(repoRoot, "node_modules", scope), join(path, scope), "dir");
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function fail(message: string): never {
  throw new Error(message);
}
