import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type BatchGetItemCommandInput, type BatchGetItemCommandOutput } from "@aws-sdk/client-dynamodb";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { awsClientConfig } from "../adapters/aws/aws-client-config";
import { ferryTableDefinition } from "../adapters/aws/dynamodb/table";

// dynalite ships no types; this is the part of its API the bed uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => Server;

/** A DynamoDB server in this process (dynalite: in memory or in a LevelDB directory, validates like DynamoDB; no TTL, no transactions). */
export interface DynaliteBed {
  endpoint: string;
  /** A client of the server, shared by everything that needs no client of its own. */
  client: DynamoDBClient;
  /** Another client of the server, for a test that adds middleware (it is closed with the bed). */
  newClient(options?: { maxAttempts?: number }): DynamoDBClient;
  /** Creates a fresh, empty Ferry table (`ferryTableDefinition`) and returns its name. */
  createTable(): Promise<string>;
  close(): Promise<void>;
}

let tables = 0;

/**
 * Starts dynalite on a free port of 127.0.0.1, in memory, or with `path` in a LevelDB directory
 * whose tables and items survive a restart (`ferry aws-local --dir`).
 *
 * @example
 * const bed = await startDynalite();
 * const stores = createDynamoDbStores({ client: bed.client, table: await bed.createTable() });
 * await bed.close();
 */
export async function startDynalite(options: { path?: string } = {}): Promise<DynaliteBed> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const newClient = (options: { maxAttempts?: number } = {}) => {
    const config = awsClientConfig({ region: "us-east-1", endpoint, credentials: { accessKeyId: "bed", secretAccessKey: "bed" }, ...options });
    const client = new DynamoDBClient(config);
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    endpoint,
    client,
    newClient,
    async createTable() {
      const name = `ferry-bed-${process.pid}-${++tables}`;
      await client.send(new CreateTableCommand(ferryTableDefinition(name)));
      // createTableMs 0 still flips the table to ACTIVE on a timer, not within the call.
      while ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== "ACTIVE") {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return name;
    },
    async close() {
      for (const each of clients) each.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Makes `client` read the way a big table does, at small scale: every Query and Scan page holds
 * at most `pageSize` items (DynamoDB pages at 1 MB), and every BatchGetItem processes one key
 * per table and hands the rest back as UnprocessedKeys (as DynamoDB may under load or past
 * 16 MB). A store that reads one page, or ignores UnprocessedKeys, loses items. Mutates
 * `client` (adds a middleware).
 */
export function withSmallPages(client: DynamoDBClient, pageSize: number): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "QueryCommand" || context.commandName === "ScanCommand") {
        const input = args.input as { Limit?: number };
        return next({ ...args, input: { ...input, Limit: Math.min(input.Limit ?? pageSize, pageSize) } });
      }
      if (context.commandName !== "BatchGetItemCommand") return next(args);
      const input = args.input as BatchGetItemCommandInput;
      const sent: NonNullable<BatchGetItemCommandInput["RequestItems"]> = {};
      const held: NonNullable<BatchGetItemCommandOutput["UnprocessedKeys"]> = {};
      for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
        sent[table] = { ...request, Keys: request.Keys?.slice(0, 1) };
        if ((request.Keys?.length ?? 0) > 1) held[table] = { ...request, Keys: request.Keys?.slice(1) };
      }
      const result = await next({ ...args, input: { ...input, RequestItems: sent } });
      const output = result.output as BatchGetItemCommandOutput;
      output.UnprocessedKeys = { ...output.UnprocessedKeys, ...held };
      return result;
    },
    { step: "initialize", name: "ferrySmallPages" },
  );
  return client;
}
