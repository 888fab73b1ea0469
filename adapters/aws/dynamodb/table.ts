import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The one DynamoDB table every Ferry store shares (single-table design, see
 * docs/aws-data-model.md). Items are told apart by the prefix of their partition key.
 */

/** Name of the attribute DynamoDB TTL reads: epoch SECONDS, on items the core gives an expiry. */
export const TTL_ATTRIBUTE = "ttl";

/** The index behind the newest-first views (recent runs, recent events, a function's skips). */
export const RECENT_INDEX = "gsi1";

/** Attribute names of the table's keys and of the recent index's keys. */
export const KEY_ATTRIBUTES = { pk: "pk", sk: "sk", gsi1pk: "gsi1pk", gsi1sk: "gsi1sk" } as const;

/**
 * The table, as tests create it and the CDK stack declares it: on-demand billing, string keys
 * `pk`/`sk`, and one global secondary index for the views. The index projects keys only: a
 * view reads the records themselves with BatchGetItem, so rewriting a run (every step) never
 * writes the index, and a view shows a run's latest state.
 *
 * @example
 * await client.send(new CreateTableCommand(ferryTableDefinition("ferry-state")));
 */
export function ferryTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.values(KEY_ATTRIBUTES).map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: KEY_ATTRIBUTES.pk, KeyType: "HASH" },
      { AttributeName: KEY_ATTRIBUTES.sk, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: RECENT_INDEX,
        KeySchema: [
          { AttributeName: KEY_ATTRIBUTES.gsi1pk, KeyType: "HASH" },
          { AttributeName: KEY_ATTRIBUTES.gsi1sk, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
    ],
  };
}

/**
 * Turns TTL on for the table (a separate call after CreateTable; the CDK stack sets
 * `timeToLiveAttribute: TTL_ATTRIBUTE` instead). TTL only collects garbage: it deletes up to
 * days late, and the core treats expired items as absent on its own.
 */
export function ferryTimeToLive(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } };
}
