import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConflictError, FerryError, ThrottledError } from "../../core";
import {
  aRun,
  aStep,
  aWait,
  anEvent,
  describeAppStoreContract,
  describeBacklogStoreContract,
  describeEventStoreContract,
  allPages,
  describeFlowStateStoreContract,
  describeRunListingContract,
  describeRunStoreContract,
  describeSkipStoreContract,
  describeWaitStoreContract,
} from "../../adapters/contract";
import { DynamoTable } from "../../adapters/aws/dynamodb/dynamo-table";
import { DynamoDbRunStore } from "../../adapters/aws/dynamodb/dynamodb-run-store";
import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import { TTL_ATTRIBUTE } from "../../adapters/aws/dynamodb/table";
import { startDynalite, withSmallPages, type DynaliteBed } from "../../aws-local/dynalite-bed";
import { withLaggingIndex } from "./lagging-index";

let bed: DynaliteBed;
let smallPages: DynamoDBClient;
beforeAll(async () => {
  bed = await startDynalite();
  smallPages = withSmallPages(bed.newClient(), 2);
});
afterAll(() => bed.close());

/** Stores on a fresh table, through `client` (the bed's own by default). */
async function fresh(client: DynamoDBClient = bed.client) {
  const table = await bed.createTable();
  return { table, ...createDynamoDbStores({ client, table }) };
}

describeEventStoreContract("dynamodb", async () => (await fresh()).events);
describeRunStoreContract("dynamodb", async () => (await fresh()).runs);
describeAppStoreContract("dynamodb", async () => (await fresh()).apps);
describeWaitStoreContract("dynamodb", async () => (await fresh()).waits);
describeFlowStateStoreContract("dynamodb", async () => (await fresh()).flow);
describeBacklogStoreContract("dynamodb", async () => (await fresh()).backlog);
describeSkipStoreContract("dynamodb", async () => (await fresh()).skips);

// The same contracts again with 2-item query pages and 1-key batch reads: every read that
// stops after one page, or drops UnprocessedKeys, fails one of them.
const paged = "dynamodb (2-item pages, 1-key batch reads)";
describeEventStoreContract(paged, async () => (await fresh(smallPages)).events);
describeRunStoreContract(paged, async () => (await fresh(smallPages)).runs);
describeAppStoreContract(paged, async () => (await fresh(smallPages)).apps);
describeWaitStoreContract(paged, async () => (await fresh(smallPages)).waits);
describeBacklogStoreContract(paged, async () => (await fresh(smallPages)).backlog);
describeSkipStoreContract(paged, async () => (await fresh(smallPages)).skips);
describeFlowStateStoreContract(paged, async () => (await fresh(smallPages)).flow);

/** A run store whose filtered listings examine at most `budget` index entries a call. */
async function budgeted(budget: number, client: DynamoDBClient = bed.client) {
  return new DynamoDbRunStore(new DynamoTable(client, await bed.createTable()), { listReadBudget: budget });
}

// Filtered run listings once more, stopping every 3 index entries: pages come back short (even
// empty) with a `next`, and following them must still list every match once, in order.
describeRunListingContract(`${paged}, read budget 3`, () => budgeted(3, smallPages));

/** The raw item at a key, to check what the stores write. */
async function rawItem(table: string, pk: string, sk: string) {
  return (await bed.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))).Item;
}

/** Makes `client` fail every write whose input `matches`, as a process stopping before that call would. */
function failWrites(client: DynamoDBClient, matches: (input: { Item?: Record<string, { S?: string }> }) => boolean): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "PutItemCommand" && matches(args.input as { Item?: Record<string, { S?: string }> })) throw new Error("crashed before this write");
      return next(args);
    },
    { step: "initialize", name: "crashBeforeWrite" },
  );
  return client;
}

describe("dynamodb filtered run listing", () => {
  it("stops at its read budget with a short page whose next leads on to the rest", async () => {
    const client = bed.newClient();
    const batchKeys: number[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { RequestItems?: Record<string, { Keys: unknown[] }> };
        if (context.commandName === "BatchGetItemCommand") batchKeys.push(Object.values(input.RequestItems ?? {}).reduce((sum, each) => sum + each.Keys.length, 0));
        return next(args);
      },
      { step: "initialize", name: "countBatchKeys" },
    );
    const runs = await budgeted(5, client);
    for (let index = 0; index < 23; index++) {
      const functionId = index === 3 || index === 17 ? "fn-rare" : "fn-common";
      await runs.putRun(aRun({ id: `r${String(index).padStart(2, "0")}`, functionId, createdAt: 1000 + index }), null);
    }
    batchKeys.length = 0;
    const first = await runs.listRuns({ functionId: "fn-rare", limit: 10 });
    // Newest first, r22..r18 examined: none matches, and the page says where to go on.
    expect(first).toEqual({ items: [], next: { at: 1018, id: "r18" } });
    expect(batchKeys.reduce((sum, keys) => sum + keys, 0)).toBeLessThanOrEqual(5);
    const pages = await allPages(10, (after) => runs.listRuns({ functionId: "fn-rare", limit: 10, after }));
    expect(pages.map((page) => page.map((run) => run.id))).toEqual([[], ["r17"], [], ["r03"], []]);
    // Unfiltered listings are not budgeted.
    expect((await runs.listRuns({ limit: 20 })).items).toHaveLength(20);

    // A caller's smaller budget (a live page's watch) bounds the call further; a larger one does not lift the store's.
    batchKeys.length = 0;
    expect(await runs.listRuns({ functionId: "fn-rare", limit: 1, readBudget: 2 })).toEqual({ items: [], next: { at: 1021, id: "r21" } });
    expect(batchKeys.reduce((sum, keys) => sum + keys, 0)).toBeLessThanOrEqual(2);
    expect(await runs.listRuns({ functionId: "fn-rare", limit: 1, readBudget: 100 })).toEqual({ items: [], next: { at: 1018, id: "r18" } });
  });
});

describe("dynamodb timer token store", () => {
  it("puts, replaces, reads and deletes a token", async () => {
    const { timerTokens } = await fresh();
    expect(await timerTokens.get("t1")).toBeUndefined();
    await timerTokens.put({ id: "t1", token: "a", at: 1_000 });
    await timerTokens.put({ id: "t1", token: "b", at: 2_000 });
    expect(await timerTokens.get("t1")).toEqual({ id: "t1", token: "b", at: 2_000 });
    await timerTokens.delete("t1");
    expect(await timerTokens.get("t1")).toBeUndefined();
    await timerTokens.delete("t1"); // deleting what is gone is fine
  });

  it("deletes with a token only while the stored token is that one", async () => {
    const { timerTokens } = await fresh();
    await timerTokens.put({ id: "t1", token: "new", at: 1_000 });
    await timerTokens.delete("t1", "old"); // an old firing must not remove the newer schedule
    expect(await timerTokens.get("t1")).toMatchObject({ token: "new" });
    await timerTokens.delete("t1", "new");
    expect(await timerTokens.get("t1")).toBeUndefined();
    await timerTokens.delete("t1", "new");
  });
});

describe("dynamodb errors", () => {
  it("turns a failed condition into a ConflictError", async () => {
    const { runs } = await fresh();
    await runs.putRun(aRun(), null);
    const error = await runs.putRun(aRun(), null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(((error as Error).cause as Error).name).toBe("ConditionalCheckFailedException");
  });

  it("turns other service errors into a FerryError that names the call", async () => {
    const { runs } = createDynamoDbStores({ client: bed.client, table: "no-such-table" });
    const error = await runs.getRun("r1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FerryError);
    expect(error).not.toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/get run r1: ResourceNotFoundException/);
  });

  it("reports a throttle left over after the SDK's retries as a ThrottledError, having written nothing", async () => {
    const client = bed.newClient({ maxAttempts: 2 });
    let attempts = 0;
    // After the retry middleware, so each attempt is refused as the service would refuse it.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== "PutItemCommand") return next(args);
        attempts++;
        throw Object.assign(new Error("Throughput exceeds the current capacity of your table"), {
          name: "ProvisionedThroughputExceededException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: "finalizeRequest", priority: "low", name: "throttleWrites" },
    );
    const { table, events } = await fresh(client);
    await expect(events.putEvent(anEvent())).rejects.toBeInstanceOf(ThrottledError);
    expect(attempts).toBe(2);
    expect(await createDynamoDbStores({ client: bed.client, table }).events.getEvent("01EVENT")).toBeUndefined();
  });
});

describe("dynamodb reads past one page", () => {
  it("finds events across DynamoDB's 1 MB pages", async () => {
    const client = bed.newClient();
    let queries = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "QueryCommand") queries++;
        return next(args);
      },
      { step: "initialize", name: "countQueries" },
    );
    const { events } = await fresh(client);
    const padding = "x".repeat(150_000);
    for (let index = 0; index < 10; index++) await events.putEvent(anEvent({ id: `e${index}`, receivedAt: 100 + index, data: { padding } }));
    queries = 0;
    const found = await events.findEventsSince("app/user.created", 0);
    expect(found.map((event) => event.id)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]);
    expect(queries).toBeGreaterThan(1);
  });
});

describe("dynamodb expiry (TTL)", () => {
  it("lets a claim be taken over once expired, and gives each claim a ttl in epoch seconds", async () => {
    const { table, events } = await fresh();
    expect(await events.claimExternalId("ext", "e1", 1_000_000, 1_086_400_500)).toBeUndefined();
    expect((await rawItem(table, "EXTID#ext", "EXTID"))?.[TTL_ATTRIBUTE]).toEqual({ N: "1086401" });
    // Not yet expired: the holder answers. TTL has not deleted it (it never does in time), yet
    // once expired the conditional put overwrites it.
    expect(await events.claimExternalId("ext", "e2", 1_086_400_499, 1_200_000_000)).toBe("e1");
    expect(await events.claimExternalId("ext", "e2", 1_086_400_500, 1_200_000_000)).toBeUndefined();
    expect(await rawItem(table, "EXTID#ext", "EXTID")).toMatchObject({ eventId: { S: "e2" }, [TTL_ATTRIBUTE]: { N: "1200000" } });
  });

  it("gives flow items with an expiry a ttl, and drops it when rewritten without one", async () => {
    const { table, flow } = await fresh();
    await flow.putState("k", 1, null, 5_500);
    expect((await rawItem(table, "FLOW#k", "FLOW"))?.[TTL_ATTRIBUTE]).toEqual({ N: "6" });
    await flow.putState("k", 2, 1);
    expect((await rawItem(table, "FLOW#k", "FLOW"))?.[TTL_ATTRIBUTE]).toBeUndefined();
  });
});

describe("dynamodb multi-item writes cut short", () => {
  it("skips run links whose run was never stored, and the retried creation completes it", async () => {
    const { table } = await fresh();
    const crashing = createDynamoDbStores({ client: failWrites(bed.newClient(), (input) => input.Item?.sk?.S === "RUN"), table });
    await expect(crashing.runs.putRun(aRun(), null)).rejects.toThrow(/crashed/);
    const stores = createDynamoDbStores({ client: bed.client, table });
    expect(await stores.runs.listRunsByEvent("01EVENT")).toEqual([]);
    await stores.runs.putRun(aRun(), null);
    expect(await stores.runs.listRunsByEvent("01EVENT")).toEqual([aRun()]);
  });

  it("finds an event by name once its by-id copy is stored, and lists one event stored twice once", async () => {
    const { table } = await fresh();
    const crashing = createDynamoDbStores({ client: failWrites(bed.newClient(), (input) => input.Item?.sk?.S === "EVENT"), table });
    await expect(crashing.events.putEvent(anEvent({ receivedAt: 1000 }))).rejects.toThrow(/crashed/);
    const stores = createDynamoDbStores({ client: bed.client, table });
    expect(await stores.events.getEvent("01EVENT")).toBeUndefined();
    // Ingestion retries with the same id at a later time (it found nothing by id).
    await stores.events.putEvent(anEvent({ receivedAt: 2000 }));
    expect(await stores.events.getEvent("01EVENT")).toEqual(anEvent({ receivedAt: 2000 }));
    expect((await stores.events.findEventsSince("app/user.created", 0)).map((event) => event.id)).toEqual(["01EVENT"]);
  });

  it("leaves no wait behind a pointer whose wait was never stored", async () => {
    const { table } = await fresh();
    const crashing = createDynamoDbStores({ client: failWrites(bed.newClient(), (input) => input.Item?.pk?.S?.startsWith("WAITS#") === true), table });
    await expect(crashing.waits.putWait(aWait())).rejects.toThrow(/crashed/);
    const stores = createDynamoDbStores({ client: bed.client, table });
    expect(await stores.waits.listWaitsByEvent("app/approved")).toEqual([]);
    expect(await stores.waits.deleteWait(aWait().id)).toBe(false);
    await stores.waits.putWait(aWait());
    expect(await stores.waits.listWaitsByEvent("app/approved")).toEqual([aWait()]);
    expect(await stores.waits.deleteWait(aWait().id)).toBe(true);
  });

  it("neither peeks nor counts a backlog entry whose park stopped after its order item", async () => {
    const { table } = await fresh();
    const crashing = createDynamoDbStores({ client: failWrites(bed.newClient(), (input) => input.Item?.sk?.S?.startsWith("E#") === true), table });
    const entry = { key: "k", id: "a", score: 1, job: { type: "wake", runId: "r", stepId: "s" } } as const;
    await expect(crashing.backlog.park(entry)).rejects.toThrow(/crashed/);
    const stores = createDynamoDbStores({ client: bed.client, table });
    expect(await stores.backlog.peek("k", 10)).toEqual([]);
    expect(await stores.backlog.count("k")).toBe(0);
    await stores.backlog.park({ ...entry, score: 2 });
    expect(await stores.backlog.peek("k", 10)).toEqual([{ ...entry, score: 2 }]);
    expect(await stores.backlog.remove("k", "a")).toBe(true);
    expect(await stores.backlog.peek("k", 10)).toEqual([]);
  });
});

describe("dynamodb consistency (through a lagging index)", () => {
  it("sees a just-written item in every strongly consistent read, while the index views lag", async () => {
    let now = 1_000_000;
    const client = withLaggingIndex(bed.newClient(), { lagMs: 60_000, now: () => now });
    const stores = await fresh(client);
    await stores.events.putEvent(anEvent());
    await stores.runs.putRun(aRun(), null);
    await stores.runs.putStep(aStep(), null);
    await stores.waits.putWait(aWait());
    await stores.apps.bumpRegistryVersion(0);
    await stores.skips.putSkip({ eventId: "01EVENT", functionId: "app-fn", reason: "rate-limited", at: 1000 });

    // The consistent paths read the base table, so the lag cannot touch them.
    expect(await stores.events.findEventsSince("app/user.created", 0)).toEqual([anEvent()]);
    expect(await stores.waits.listWaitsByEvent("app/approved")).toEqual([aWait()]);
    expect(await stores.runs.listRunsByEvent("01EVENT")).toEqual([aRun()]);
    expect(await stores.runs.listSteps("01RUN")).toEqual([aStep()]);
    expect(await stores.apps.getRegistryVersion()).toBe(1);
    expect(await stores.skips.listSkipsByEvent("01EVENT")).toHaveLength(1);

    // The views read the index, which has not caught up yet...
    expect(await stores.runs.listRuns({ limit: 10 })).toEqual({ items: [] });
    expect(await stores.events.listEvents({ limit: 10 })).toEqual({ items: [] });
    expect(await stores.skips.listSkipsByFunction("app-fn", 10)).toEqual([]);
    expect(client.lagging.hidden()).toBe(3);

    // ...and has once the lag has passed, showing each record's latest state.
    await stores.runs.putRun(aRun({ status: "Completed", version: 2 }), 1);
    now += 60_000;
    expect(await stores.runs.listRuns({ limit: 10 })).toEqual({ items: [aRun({ status: "Completed", version: 2 })] });
    expect(await stores.events.listEvents({ limit: 10 })).toEqual({ items: [anEvent()] });
    expect(await stores.skips.listSkipsByFunction("app-fn", 10)).toHaveLength(1);
  });
});
