import { CreateEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { Ferry, ServableFunction } from "@ferry/sdk";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import { createAwsEngine, type AwsEngine } from "../../adapters/aws/aws-engine";
import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import { routeJobFromEventBridge } from "../../adapters/aws/eventbridge-delivery";
import type { FerryUnderTest } from "../engine/faults/fault-harness";
import type { InProcessOptions } from "../support/in-process-ferry";
import { T0 } from "../support/in-process-ferry";
import { inProcessCaller, joinInProcessApp } from "../support/in-process-app";
import { startAwsQueueBed } from "./aws-queue-bed";
import { startDynalite } from "../../aws-local/dynalite-bed";
import { EventBridgeEmulator } from "../../aws-local/eventbridge-emulator";
import { S3RVER_CREDENTIALS, startS3 } from "../../aws-local/s3-bed";
import { BED_CREDENTIALS } from "../../aws-local/sqs-server";

const REGION = "us-east-1";
const BUS = "ferry-test";

/** The AWS engine on the offline bed, with an app of our SDK served in process. */
export interface AwsFerry extends FerryUnderTest {
  engine: AwsEngine;
}

/**
 * The engine on its production adapters (DynamoDB on dynalite, SQS on local-aws-sqs, Scheduler
 * and EventBridge emulators, S3 on s3rver), joined to an app: calls go straight to the SDK's
 * serve handler and the SDK's requests to the dev server's routes, which share the engine's
 * deps. The EventBridge rule's target puts each event on the run queue as a `route` job, and a
 * poller per queue plays the Lambda event source. Time is the bed's jumpable clock.
 */
export async function startAwsFerry(build: (ferry: Ferry) => ServableFunction[], options: InProcessOptions = {}): Promise<AwsFerry> {
  const dynamo = await startDynalite();
  const table = await dynamo.createTable();
  const s3 = await startS3();
  const bucket = await s3.createBucket();
  const eventbridge = await EventBridgeEmulator.start();
  const ebClient = new EventBridgeClient(awsClientConfig({ region: REGION, endpoint: eventbridge.endpoint, credentials: BED_CREDENTIALS }));
  await ebClient.send(new CreateEventBusCommand({ Name: BUS }));
  ebClient.destroy();
  // A high redrive count, as a deployment has: receives of FIFO messages returned unhandled behind
  // a failed one count too, and the consumer gives up by counted attempts instead.
  const bed = await startAwsQueueBed({ tokens: createDynamoDbStores({ client: dynamo.client, table }).timerTokens, start: T0, maxReceiveCount: 100 });

  const app = inProcessCaller(options.afterCall);
  const local = (endpoint: string) => ({ region: REGION, endpoint, credentials: BED_CREDENTIALS });
  const engine = createAwsEngine({
    resources: {
      table,
      runQueueUrl: bed.runQueueUrl,
      delayQueueUrl: bed.delayQueueUrl,
      delayQueueArn: bed.delayQueueArn,
      busName: BUS,
      bucket,
      scheduleGroup: bed.scheduleGroup,
      schedulerRoleArn: bed.schedulerRoleArn,
    },
    connections: {
      dynamodb: local(dynamo.endpoint),
      sqs: local(bed.sqs.endpoint),
      s3: { region: REGION, endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS, forcePathStyle: true },
      eventbridge: local(eventbridge.endpoint),
      scheduler: local(bed.schedulerEndpoint),
    },
    caller: app.caller,
    clock: bed.clock,
    settings: options.settings,
    observer: options.observer,
    consumer: { handle: options.handle },
  });
  // The bus's rule: every Ferry event becomes a `route` job on the run queue.
  eventbridge.onEvent(async (delivery) => engine.runQueue.enqueue(routeJobFromEventBridge(delivery)));
  bed.start((records) => engine.consume(records));

  const ferry = await joinInProcessApp(engine.deps, app, build, { idle: async () => undefined });

  const runUntil = async (until: number) => {
    // Events published meanwhile reach the queue through the emulator; run until nothing moves.
    for (;;) {
      await eventbridge.settle();
      await bed.advance(Math.max(0, until - bed.clock.now()));
      const published = eventbridge.calls.length;
      await eventbridge.settle();
      if (eventbridge.calls.length === published && bed.clock.now() >= until) return;
    }
  };
  return {
    engine,
    deps: engine.deps,
    now: () => bed.clock.now(),
    send: async (events) => (await ferry.send(events)).ids,
    runUntil,
    close: async () => {
      const failures = bed.pollerFailures();
      await bed.close();
      engine.destroy();
      await eventbridge.close();
      await s3.close();
      await dynamo.close();
      if (failures.length > 0) throw new Error(`the bed's pollers failed: ${failures.join("; ")}`);
    },
  };
}
