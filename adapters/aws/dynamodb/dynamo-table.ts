import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { ThrottledError } from "../../../core";
import { awsCall } from "../aws-errors";
import { conditionInput, type Condition } from "./conditions";
import { decode, encode, keyId, keyOf, type Item } from "./items";
import { compareKeys, type Key } from "./keys";
import { KEY_ATTRIBUTES, RECENT_INDEX } from "./table";

/** Which items a query reads: one partition, optionally narrowed by its sort key. */
export interface QuerySpec {
  /** Read the recent index instead of the base table: eventually consistent, for views only. */
  recentIndex?: boolean;
  /** The partition key value (`pk`, or `gsi1pk` on the index). */
  partition: string;
  /** The sort keys to read: those with a prefix, or a range (at or above `atLeast`, below `below`). */
  sortKey?: { beginsWith: string } | SortKeyRange;
  /** Descending sort key order. */
  descending?: boolean;
  /** Stop after this many items. */
  limit?: number;
  /** Items per request (DynamoDB's `Limit`), for a caller that reads pages until it has enough. */
  pageSize?: number;
}

/** A range of sort keys; either end may be open. */
export interface SortKeyRange {
  atLeast?: string;
  below?: string;
}

/** Options of a put or delete. */
export interface WriteOptions {
  /** Return the item as it was before the write (ReturnValues ALL_OLD). */
  returnOld?: boolean;
}

/**
 * The few DynamoDB calls the stores make, on one table, each through `awsCall` so only core
 * errors come out. Base-table reads are strongly consistent: the engine's compare-and-set
 * loops, the waitForEvent race and batching all need to see the latest write.
 */
export class DynamoTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  async get(what: string, key: Key): Promise<Item | undefined> {
    const { Item: item } = await awsCall(what, () => this.client.send(new GetItemCommand({ TableName: this.name, Key: encode(key), ConsistentRead: true })));
    return item ? decode(item) : undefined;
  }

  /**
   * Writes a whole item, if `condition` holds; ConflictError when it does not. With `returnOld`,
   * returns the item it replaced (asked for only where needed: a run's old body is large).
   */
  async put(what: string, item: Item, condition?: Condition, options: WriteOptions = {}): Promise<Item | undefined> {
    const returnValues = options.returnOld ? "ALL_OLD" : "NONE";
    const { Attributes: old } = await awsCall(what, () =>
      this.client.send(new PutItemCommand({ TableName: this.name, Item: encode(item), ReturnValues: returnValues, ...conditionInput(condition) })),
    );
    return old ? decode(old) : undefined;
  }

  /** Sets some attributes of an item, keeping the others, if `condition` holds. */
  async update(what: string, key: Key, set: Item, condition: Condition): Promise<void> {
    const names: Record<string, string> = { ...condition.names };
    const values: Item = { ...condition.values };
    const assignments = Object.entries(set).map(([name, value], index) => {
      names[`#set${index}`] = name;
      values[`:set${index}`] = value;
      return `#set${index} = :set${index}`;
    });
    const input = conditionInput({ expression: condition.expression, names, values });
    await awsCall(what, () => this.client.send(new UpdateItemCommand({ TableName: this.name, Key: encode(key), UpdateExpression: `SET ${assignments.join(", ")}`, ...input })));
  }

  /**
   * Adds `by` to a number attribute (creating the item at `by`), sets `set` alongside, and returns
   * the new value: DynamoDB's atomic counter, one `UpdateItem` with `ADD`.
   */
  async increment(what: string, key: Key, attribute: string, by: number, set: Item = {}): Promise<number> {
    const names: Record<string, string> = { "#counter": attribute };
    const values: Item = { ":by": by };
    const assignments = Object.entries(set).map(([name, value], index) => {
      names[`#set${index}`] = name;
      values[`:set${index}`] = value;
      return `#set${index} = :set${index}`;
    });
    const update = `ADD #counter :by${assignments.length > 0 ? ` SET ${assignments.join(", ")}` : ""}`;
    const { Attributes: after } = await awsCall(what, () =>
      this.client.send(
        new UpdateItemCommand({ TableName: this.name, Key: encode(key), UpdateExpression: update, ExpressionAttributeNames: names, ExpressionAttributeValues: encode(values), ReturnValues: "UPDATED_NEW" }),
      ),
    );
    return Number(after ? decode(after)[attribute] : by);
  }

  /** Deletes an item if `condition` holds; with `returnOld`, returns what was deleted (undefined when nothing was there). */
  async delete(what: string, key: Key, condition?: Condition, options: WriteOptions = {}): Promise<Item | undefined> {
    const returnValues = options.returnOld ? "ALL_OLD" : "NONE";
    const { Attributes: old } = await awsCall(what, () =>
      this.client.send(new DeleteItemCommand({ TableName: this.name, Key: encode(key), ReturnValues: returnValues, ...conditionInput(condition) })),
    );
    return old ? decode(old) : undefined;
  }

  /** Every item a query matches (up to `limit`), following LastEvaluatedKey across pages. */
  async query(what: string, spec: QuerySpec): Promise<Item[]> {
    const items: Item[] = [];
    for await (const page of this.pages(what, spec)) items.push(...page);
    return items;
  }

  /** A query page by page, for callers that stop early. */
  async *pages(what: string, spec: QuerySpec): AsyncGenerator<Item[]> {
    const range = spec.sortKey && !("beginsWith" in spec.sortKey) ? spec.sortKey : {};
    // DynamoDB refuses a BETWEEN whose ends are out of order; such a range holds nothing.
    if (range.atLeast !== undefined && range.below !== undefined && compareKeys(range.atLeast, range.below) >= 0) return;
    const sortKeyName = spec.recentIndex ? KEY_ATTRIBUTES.gsi1sk : KEY_ATTRIBUTES.sk;
    let start: Record<string, AttributeValue> | undefined;
    let left = spec.limit ?? Number.POSITIVE_INFINITY;
    do {
      const input: QueryCommandInput = { ...queryInput(this.name, spec), ExclusiveStartKey: start };
      const size = Math.min(left, spec.pageSize ?? Number.POSITIVE_INFINITY);
      if (Number.isFinite(size)) input.Limit = size;
      const page = await awsCall(what, () => this.client.send(new QueryCommand(input)));
      // A closed range is read with BETWEEN, which includes its upper end: drop that one key.
      const items = (page.Items ?? []).map(decode).filter((item) => range.below === undefined || item[sortKeyName] !== range.below);
      left -= items.length;
      start = page.LastEvaluatedKey;
      yield items;
    } while (start && left > 0);
  }

  /** How many items a query matches, counted by DynamoDB page by page (by prefix only: a counted BETWEEN cannot drop its upper end). */
  async count(what: string, spec: QuerySpec & { sortKey?: { beginsWith: string } }): Promise<number> {
    let start: Record<string, AttributeValue> | undefined;
    let total = 0;
    do {
      const input: QueryCommandInput = { ...queryInput(this.name, spec), Select: "COUNT", ExclusiveStartKey: start };
      const page = await awsCall(what, () => this.client.send(new QueryCommand(input)));
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /**
   * Reads items by key, strongly consistent, 100 keys per call (the BatchGetItem limit), and
   * asks again for UnprocessedKeys, backing off only when a round made no progress. Returns
   * the items found, by `pk`/`sk` (see `keyId`); missing items are simply absent.
   */
  async batchGet(what: string, keys: Key[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const unique = [...new Map(keys.map((key) => [keyId(key), key])).values()];
    for (let offset = 0; offset < unique.length; offset += 100) {
      let pending = unique.slice(offset, offset + 100).map(encode);
      for (let stalled = 0; pending.length > 0; ) {
        const request = { [this.name]: { Keys: pending, ConsistentRead: true } };
        const result = await awsCall(what, () => this.client.send(new BatchGetItemCommand({ RequestItems: request })));
        const items = (result.Responses?.[this.name] ?? []).map(decode);
        for (const item of items) found.set(keyId(keyOf(item)), item);
        const left = result.UnprocessedKeys?.[this.name]?.Keys ?? [];
        stalled = items.length > 0 || left.length < pending.length ? 0 : stalled + 1;
        if (stalled > 8) throw new ThrottledError(`${what}: BatchGetItem left ${left.length} keys unprocessed`);
        if (stalled > 0) await sleep(Math.min(1000, 25 * 2 ** stalled));
        pending = left;
      }
    }
    return found;
  }
}

function queryInput(table: string, spec: QuerySpec): QueryCommandInput {
  const [pk, sk] = spec.recentIndex ? [KEY_ATTRIBUTES.gsi1pk, KEY_ATTRIBUTES.gsi1sk] : [KEY_ATTRIBUTES.pk, KEY_ATTRIBUTES.sk];
  const names: Record<string, string> = { "#pk": pk };
  const values: Item = { ":pk": spec.partition };
  let expression = "#pk = :pk";
  const condition = spec.sortKey && sortKeyCondition(spec.sortKey);
  if (condition) {
    names["#sk"] = sk;
    Object.assign(values, condition.values);
    expression += ` AND ${condition.expression}`;
  }
  return {
    TableName: table,
    // A global index cannot be read consistently; everything else is.
    ...(spec.recentIndex ? { IndexName: RECENT_INDEX } : { ConsistentRead: true }),
    KeyConditionExpression: expression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: encode(values),
    ScanIndexForward: !spec.descending,
  };
}

/** A key condition allows one condition on the sort key, so a closed range is a BETWEEN (see `pages`). */
function sortKeyCondition(sortKey: NonNullable<QuerySpec["sortKey"]>): { expression: string; values: Item } | undefined {
  if ("beginsWith" in sortKey) return { expression: "begins_with(#sk, :sk)", values: { ":sk": sortKey.beginsWith } };
  const { atLeast, below } = sortKey;
  if (atLeast !== undefined && below !== undefined) return { expression: "#sk BETWEEN :sk AND :below", values: { ":sk": atLeast, ":below": below } };
  if (atLeast !== undefined) return { expression: "#sk >= :sk", values: { ":sk": atLeast } };
  if (below !== undefined) return { expression: "#sk < :below", values: { ":below": below } };
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
