import { QueryCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConflictError, type RunRecord } from "../../core";
import { aRun, anEvent, describeRunStoreContract } from "../../adapters/contract";
import { DynamoTable } from "../../adapters/aws/dynamodb/dynamo-table";
import { DynamoDbRunStore } from "../../adapters/aws/dynamodb/dynamodb-run-store";
import { startDynalite, withSmallPages, type DynaliteBed } from "../../aws-local/dynalite-bed";

// A run's events are fixed at creation, so a DynamoDB run item keeps them apart once over
// 1 KB (adapters/aws/dynamodb/run-events-item.ts): these tests show the split is there and
// that callers cannot tell.

let bed: DynaliteBed;
let smallPages: DynamoDBClient;
beforeAll(async () => {
  bed = await startDynalite();
  smallPages = withSmallPages(bed.newClient(), 2);
});
afterAll(() => bed.close());

/** A run store on `table`; `threshold` is `eventsItemThresholdBytes` (the default when absent). */
function runStore(table: string, options: { client?: DynamoDBClient; threshold?: number } = {}) {
  return new DynamoDbRunStore(new DynamoTable(options.client ?? bed.client, table), { eventsItemThresholdBytes: options.threshold });
}

// The contract once more with every run's events split off (an empty list is 2 bytes), on
// whole and on small pages, so every read path puts split events back.
describeRunStoreContract("dynamodb (events split off)", async () => runStore(await bed.createTable(), { threshold: 0 }));
describeRunStoreContract("dynamodb (events split off, 2-item pages, 1-key batch reads)", async () =>
  runStore(await bed.createTable(), { client: smallPages, threshold: 0 }),
);

/** 20 KB of event data. */
const KB20 = 20 * 1024;

/** A run triggered by an event of `bytes` bytes of data (plus its name, id and so on). */
function runWithEvent(bytes: number, overrides: Partial<RunRecord> = {}): RunRecord {
  const { receivedAt: _receivedAt, ...event } = anEvent({ data: { padding: "x".repeat(bytes) } });
  return aRun({ events: [event], ...overrides });
}

/** Every raw item of a run's partition, by sort key. */
async function partition(table: string, runId: string): Promise<Map<string, Record<string, AttributeValue>>> {
  const input = { TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: `RUN#${runId}` } }, ConsistentRead: true };
  const { Items: items = [] } = await bed.client.send(new QueryCommand(input));
  return new Map(items.map((item) => [String(item.sk?.S), item]));
}

/** The sort keys of a run's events items. */
async function eventsItems(table: string, runId: string): Promise<string[]> {
  return [...(await partition(table, runId)).keys()].filter((sk) => sk.startsWith("EVENTS#"));
}

/** An item's size as DynamoDB counts it (attribute names plus values; numbers taken as their digits, a slight overestimate). */
function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.S ?? value.N ?? ""), 0);
}

/** A client that asks for the consumed capacity of every call and adds it up; also counts puts by sort key. */
function measuredClient() {
  const client = bed.newClient();
  const units = { read: 0, write: 0 };
  const puts: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; Item?: Record<string, AttributeValue> };
      if (context.commandName === "PutItemCommand") puts.push(String(input.Item?.sk?.S));
      const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: "TOTAL" } });
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      const total = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, each) => sum + (each.CapacityUnits ?? 0), 0);
      units[/Get|Query/.test(String(context.commandName)) ? "read" : "write"] += total;
      return result;
    },
    { step: "initialize", name: "measureCapacity" },
  );
  return { client, units, puts };
}

describe("dynamodb run events item", () => {
  it("round-trips a run with a 20 KB trigger event through every read, its events kept apart", async () => {
    const table = await bed.createTable();
    const runs = runStore(table);
    const big = runWithEvent(KB20);
    const small = runWithEvent(10, { id: "02SMALL", createdAt: 2000 });
    await runs.putRun(big, null);
    await runs.putRun(small, null);

    const item = (await partition(table, big.id)).get("RUN");
    expect(JSON.parse(String(item?.body?.S)).events).toEqual([]);
    expect(item?.eventsItem?.S).toMatch(/^EVENTS#[0-9a-f]{64}$/);
    expect(await eventsItems(table, big.id)).toEqual([item?.eventsItem?.S]);

    const updated = { ...big, status: "Completed" as const, output: { ok: 1 }, version: 2 };
    for (const run of [big, updated]) {
      if (run !== big) await runs.putRun(run, 1);
      // The 1-key batch reads hand back every key but one as unprocessed: each events item is still put back.
      for (const reader of [runs, runStore(table, { client: smallPages })]) {
        expect(await reader.getRun(big.id)).toEqual(run);
        expect(await reader.listRunsByEvent("01EVENT")).toEqual([run, small]);
        expect((await reader.listRuns({ limit: 10 })).items).toEqual([small, run]);
      }
    }
  });

  it("keeps the run item under 2 KB and never rewrites the events item on update", async () => {
    const table = await bed.createTable();
    const measured = measuredClient();
    const runs = runStore(table, { client: measured.client });
    await runs.putRun(runWithEvent(KB20), null);
    const before = await partition(table, "01RUN");
    const [eventsSk] = await eventsItems(table, "01RUN");
    expect(itemBytes(before.get("RUN") ?? {})).toBeLessThan(2048);
    expect(itemBytes(before.get(String(eventsSk)) ?? {})).toBeGreaterThan(KB20);

    measured.puts.length = 0;
    for (let version = 1; version <= 5; version++) await runs.putRun(runWithEvent(KB20, { stack: [`h${version}`], version: version + 1 }), version);
    expect(measured.puts).toEqual(["RUN", "RUN", "RUN", "RUN", "RUN"]);
    const after = await partition(table, "01RUN");
    expect(after.get(String(eventsSk))).toEqual(before.get(String(eventsSk)));
    expect(itemBytes(after.get("RUN") ?? {})).toBeLessThan(2048);
  });

  it("bills an update of a run with a 20 KB event 1 write unit (21 with the event inline)", async () => {
    const table = await bed.createTable();
    const measured = measuredClient();
    const split = runStore(table, { client: measured.client });
    const inline = runStore(table, { client: measured.client, threshold: Number.POSITIVE_INFINITY });
    await split.putRun(runWithEvent(KB20), null);
    await inline.putRun(runWithEvent(KB20, { id: "02INLINE" }), null);

    const written = measured.units.write;
    await split.putRun(runWithEvent(KB20, { status: "Completed", version: 2 }), 1);
    expect(measured.units.write - written).toBe(1);

    const inlineWritten = measured.units.write;
    await inline.putRun(runWithEvent(KB20, { id: "02INLINE", status: "Completed", version: 2 }), 1);
    expect(measured.units.write - inlineWritten).toBe(21);
  });

  it("leaves a small event inline, and splits it off under a lower threshold", async () => {
    const table = await bed.createTable();
    await runStore(table).putRun(aRun(), null);
    expect([...(await partition(table, "01RUN")).keys()]).toEqual(["RUN"]);
    expect((await partition(table, "01RUN")).get("RUN")?.eventsItem).toBeUndefined();

    const lowered = runStore(table, { threshold: 50 });
    await lowered.putRun(aRun({ id: "02RUN" }), null);
    expect(await eventsItems(table, "02RUN")).toHaveLength(1);
    expect(await lowered.getRun("02RUN")).toEqual(aRun({ id: "02RUN" }));
  });

  it("completes a creation cut short after its events item when the creation is retried", async () => {
    const table = await bed.createTable();
    const client = bed.newClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: Record<string, AttributeValue> };
        if (context.commandName === "PutItemCommand" && input.Item?.sk?.S === "RUN") throw new Error("crashed before this write");
        return next(args);
      },
      { step: "initialize", name: "crashBeforeRun" },
    );
    const run = runWithEvent(KB20);
    await expect(runStore(table, { client }).putRun(run, null)).rejects.toThrow(/crashed/);
    const runs = runStore(table);
    expect(await eventsItems(table, run.id)).toHaveLength(1);
    expect(await runs.getRun(run.id)).toBeUndefined();
    expect(await runs.listRunsByEvent("01EVENT")).toEqual([]);

    await runs.putRun(run, null);
    expect(await eventsItems(table, run.id)).toHaveLength(1);
    expect(await runs.getRun(run.id)).toEqual(run);
    expect(await runs.listRunsByEvent("01EVENT")).toEqual([run]);
  });

  it("never lets a refused creation with other events change the events of the run that exists", async () => {
    const table = await bed.createTable();
    const runs = runStore(table);
    const run = runWithEvent(KB20);
    await runs.putRun(run, null);
    await expect(runs.putRun(runWithEvent(30_000), null)).rejects.toBeInstanceOf(ConflictError);
    expect(await eventsItems(table, run.id)).toHaveLength(2); // the refused one's is named by nothing
    expect(await runs.getRun(run.id)).toEqual(run);
  });

  it("splits a run stored with its events inline on its first update, and still refuses a stale version", async () => {
    const table = await bed.createTable();
    const run = runWithEvent(KB20);
    await runStore(table, { threshold: Number.POSITIVE_INFINITY }).putRun(run, null);
    expect(await eventsItems(table, run.id)).toEqual([]);

    const runs = runStore(table);
    const updated = { ...run, status: "Completed" as const, version: 2 };
    await runs.putRun(updated, 1);
    expect(await eventsItems(table, run.id)).toHaveLength(1);
    expect(itemBytes((await partition(table, run.id)).get("RUN") ?? {})).toBeLessThan(2048);
    expect(await runs.getRun(run.id)).toEqual(updated);

    await expect(runs.putRun({ ...run, status: "Failed", version: 2 }, 1)).rejects.toBeInstanceOf(ConflictError);
    await expect(runs.putRun({ ...run, version: 2 }, 1)).rejects.toBeInstanceOf(ConflictError);
    expect(await runs.getRun(run.id)).toEqual(updated);
  });
});
