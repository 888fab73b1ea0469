import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EngineStores } from "../../../core";
import type { AttemptCounter } from "../sqs/attempt-counter";
import type { TimerTokenStore } from "../timers/timer-token-store";
import { DynamoDbAttemptCounter } from "./dynamodb-attempt-counter";
import { DynamoDbAppStore } from "./dynamodb-app-store";
import { DynamoDbBacklogStore } from "./dynamodb-backlog-store";
import { DynamoDbEventStore } from "./dynamodb-event-store";
import { DynamoDbFlowStateStore } from "./dynamodb-flow-state-store";
import { DynamoDbRunStore } from "./dynamodb-run-store";
import { DynamoDbSkipStore } from "./dynamodb-skip-store";
import { DynamoDbTimerTokenStore } from "./dynamodb-timer-token-store";
import { DynamoDbWaitStore } from "./dynamodb-wait-store";
import { DynamoTable } from "./dynamo-table";

/** Where the stores live: a DynamoDB client (built with `awsClientConfig`) and the table made from `ferryTableDefinition`. */
export interface DynamoDbStoresOptions {
  client: DynamoDBClient;
  table: string;
  /** The engine clock, for the TTL of failure counters. @default Date.now */
  now?: () => number;
}

/** Every DynamoDB-backed store of the engine, named as `EngineDeps` names them, plus the timers' tokens. */
export interface DynamoDbStores extends EngineStores {
  timerTokens: TimerTokenStore;
  /** Failed attempts per queue message, for the queue consumer's give-up rule. */
  attempts: AttemptCounter;
}

/**
 * Builds every store on one table (single-table design: docs/aws-data-model.md). The stores
 * hold no state of their own, so building them once per Lambda cold start is enough.
 *
 * @example
 * const client = new DynamoDBClient(awsClientConfig({ region: "eu-west-1" }));
 * const stores = createDynamoDbStores({ client, table: process.env.FERRY_TABLE! });
 */
export function createDynamoDbStores(options: DynamoDbStoresOptions): DynamoDbStores {
  const table = new DynamoTable(options.client, options.table);
  return {
    events: new DynamoDbEventStore(table),
    runs: new DynamoDbRunStore(table),
    apps: new DynamoDbAppStore(table),
    waits: new DynamoDbWaitStore(table),
    flow: new DynamoDbFlowStateStore(table),
    backlog: new DynamoDbBacklogStore(table),
    skips: new DynamoDbSkipStore(table),
    timerTokens: new DynamoDbTimerTokenStore(table),
    attempts: new DynamoDbAttemptCounter(table, options.now ?? Date.now),
  };
}
