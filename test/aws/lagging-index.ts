import type { AttributeValue, DynamoDBClient, QueryCommandOutput } from "@aws-sdk/client-dynamodb";

/** Control over a client whose index reads lag. */
export interface LaggingIndex {
  /** How many items index reads have hidden so far. */
  hidden(): number;
}

/**
 * Makes `client`'s reads of a global secondary index (Query or Scan with `IndexName`) lag the
 * way DynamoDB's do, which dynalite's do not: an item put within the last `lagMs` (by `now`)
 * is not in the index yet. Base-table reads are untouched. It remembers the items this client
 * puts, so write through the same client. Mutates `client` (adds a middleware): give it one of
 * its own (`DynaliteBed.newClient`).
 *
 * @example
 * const client = withLaggingIndex(bed.newClient(), { lagMs: 60_000 });
 */
export function withLaggingIndex(client: DynamoDBClient, options: { lagMs: number; now?: () => number }): DynamoDBClient & { lagging: LaggingIndex } {
  const now = options.now ?? Date.now;
  const putAt = new Map<string, number>();
  let hidden = 0;
  const keyOf = (item: Record<string, AttributeValue>) => JSON.stringify([item.pk?.S, item.sk?.S]);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: Record<string, AttributeValue>; Key?: Record<string, AttributeValue>; IndexName?: string };
      const result = await next(args);
      if (context.commandName === "PutItemCommand" && input.Item) putAt.set(keyOf(input.Item), now());
      if (context.commandName === "DeleteItemCommand" && input.Key) putAt.delete(keyOf(input.Key));
      const isIndexRead = (context.commandName === "QueryCommand" || context.commandName === "ScanCommand") && input.IndexName !== undefined;
      const output = result.output as QueryCommandOutput;
      if (isIndexRead && output.Items) {
        const visible = output.Items.filter((item) => now() - (putAt.get(keyOf(item)) ?? Number.NEGATIVE_INFINITY) >= options.lagMs);
        hidden += output.Items.length - visible.length;
        output.Items = visible;
        output.Count = visible.length;
      }
      return result;
    },
    { step: "initialize", name: "ferryLaggingIndex" },
  );
  return Object.assign(client, { lagging: { hidden: () => hidden } });
}
