import { afterEach, describe, expect, it } from "@jest/globals";
import { CreateEventBusCommand, DescribeEventBusCommand, EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import { LONG_NAME_DETAIL_TYPE, routeJobFromEventBridge, type EventBridgeDelivery } from "../../adapters/aws/eventbridge-delivery";
import { EventBridgeEventBus, type EventBridgeEventBusOptions } from "../../adapters/aws/eventbridge-event-bus";
import { anEvent, describeEventBusContract, type EventBusBed } from "../../adapters/contract";
import { FerryError, ThrottledError, ValidationError, type StoredEvent } from "../../core";
import { EventBridgeEmulator, type EventBridgeEmulatorOptions } from "../../aws-local/eventbridge-emulator";

const CREDENTIALS = { accessKeyId: "ferry", secretAccessKey: "ferry" };
const BUS = "ferry-events";

/** An emulator with Ferry's bus, a client for it and the adapter on that bus. */
async function emulated(options: { emulator?: EventBridgeEmulatorOptions; bus?: Partial<EventBridgeEventBusOptions>; maxAttempts?: number } = {}) {
  const emulator = await EventBridgeEmulator.start(options.emulator);
  const client = new EventBridgeClient({
    ...awsClientConfig({ region: "us-east-1", endpoint: emulator.endpoint, credentials: CREDENTIALS, maxAttempts: options.maxAttempts }),
    // Adaptive mode would also lower the client's sending rate after a throttle, which only costs the tests time.
    retryMode: "standard",
  });
  await client.send(new CreateEventBusCommand({ Name: BUS }));
  const bus = new EventBridgeEventBus({ client, busName: BUS, retryDelayMs: 1, ...options.bus });
  const close = async () => {
    client.destroy();
    await emulator.close();
  };
  return { emulator, client, bus, close };
}

/** The contract's bed: the emulator's subscriber stands in for the runner Lambda's rule target. */
async function bed(twice: boolean): Promise<EventBusBed> {
  const { emulator, bus, close } = await emulated();
  emulator.deliverTwice(twice);
  return {
    bus,
    observe: (routed) => void emulator.onEvent((delivery) => routed(routeJobFromEventBridge(delivery).eventId)),
    settle: () => emulator.settle(),
    close,
  };
}

describeEventBusContract("eventbridge (emulator)", () => bed(false));
describeEventBusContract("eventbridge (emulator delivering twice)", () => bed(true));

/** Events with distinct ids. */
function events(count: number, overrides: Partial<StoredEvent> = {}): StoredEvent[] {
  return Array.from({ length: count }, (_, k) => anEvent({ id: `01EVENT${String(k).padStart(4, "0")}`, name: `app/e${k % 3}`, ...overrides }));
}

let opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.map((thing) => thing.close()));
  opened = [];
});
async function open(options?: Parameters<typeof emulated>[0]) {
  const env = await emulated(options);
  opened.push(env);
  const delivered: EventBridgeDelivery[] = [];
  env.emulator.onEvent((delivery) => void delivered.push(delivery));
  const routedIds = async () => {
    await env.emulator.settle();
    return delivered.map((delivery) => routeJobFromEventBridge(delivery).eventId);
  };
  const putCalls = () => env.emulator.calls.filter((call) => call.operation === "PutEvents");
  return { ...env, delivered, routedIds, putCalls };
}

describe("EventBridgeEventBus", () => {
  it("sends 25 events in 3 calls of at most 10 entries, each as a Ferry entry", async () => {
    const { bus, putCalls, routedIds, delivered } = await open();
    const batch = events(25);
    await bus.publish(batch);
    expect(putCalls().map((call) => call.entries)).toEqual([10, 10, 5]);
    expect((await routedIds()).sort()).toEqual(batch.map((e) => e.id).sort());
    const first = delivered.find((d) => routeJobFromEventBridge(d).eventId === batch[0]!.id)!;
    expect(first).toMatchObject({ version: "0", source: "ferry", "detail-type": "app/e0", time: "1970-01-01T00:00:01Z", region: "us-east-1", resources: [] });
    expect(routeJobFromEventBridge(first)).toEqual({ type: "route", eventId: batch[0]!.id, name: "app/e0", event: batch[0] });
  });

  it("resends only the entries a call failed, and routes each event once", async () => {
    const { bus, emulator, putCalls, routedIds } = await open();
    emulator.failNext(3); // InternalFailure on the first three entries: retryable
    const batch = events(10);
    await bus.publish(batch);
    expect(putCalls().map((call) => [call.entries, call.failed])).toEqual([
      [10, 3],
      [3, 0],
    ]);
    expect((await routedIds()).sort()).toEqual(batch.map((e) => e.id).sort());
  });

  it("rejects with a ThrottledError naming the event once an entry keeps failing with a retryable code", async () => {
    const { bus, emulator, putCalls, routedIds } = await open({ bus: { retryRounds: 2 } });
    const stuck = events(4)[2]!;
    emulator.failWhere((entry) => (entry.Detail?.includes(stuck.id) ? "ThrottlingException" : undefined));
    const error = await bus.publish(events(4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as Error).message).toContain(stuck.id);
    expect(putCalls().map((call) => call.entries)).toEqual([4, 1, 1]);
    expect(await routedIds()).toHaveLength(3); // the others were accepted; sending them again on retry is fine
  });

  it("gives up at once on an entry EventBridge will never take", async () => {
    const { bus, emulator, putCalls } = await open();
    emulator.failWhere(() => "NotAuthorizedForDetailTypeException");
    const error = await bus.publish(events(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect(error).not.toBeInstanceOf(ThrottledError);
    expect((error as Error).message).toMatch(/refused 2 event\(s\).*NotAuthorizedForDetailTypeException/);
    expect(putCalls()).toHaveLength(1);
  });

  it("refuses an event too big for an entry before sending anything", async () => {
    const { bus, putCalls, routedIds } = await open();
    const big = anEvent({ id: "01BIG", data: { filler: "x".repeat(1024 * 1024) } });
    const error = await bus.publish([...events(3), big]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/event 01BIG .* is \d+ bytes as an EventBridge entry; the limit is 1048576/);
    expect(putCalls()).toHaveLength(0);
    expect(await routedIds()).toEqual([]);
  });

  it("packs large entries by size as well as count, within the configured limit", async () => {
    const { bus, putCalls, routedIds } = await open({ emulator: { maxEntryBytes: 256 * 1024 }, bus: { maxEntryBytes: 256 * 1024 } });
    const batch = events(5, { data: { filler: "ü".repeat(50 * 1024) } }); // about 100 KB each, in UTF-8
    await bus.publish(batch);
    expect(putCalls().map((call) => call.entries)).toEqual([2, 2, 1]);
    expect(await routedIds()).toHaveLength(5);
  });

  it("rejects with a ThrottledError after the client's retries, and loses nothing when published again", async () => {
    const { bus, emulator, putCalls, routedIds } = await open({ maxAttempts: 2 });
    emulator.throttleNext(2);
    const batch = events(3);
    await expect(bus.publish(batch)).rejects.toThrow(ThrottledError);
    expect(putCalls().map((call) => call.error)).toEqual(["ThrottlingException", "ThrottlingException"]);
    expect(await routedIds()).toEqual([]);
    await bus.publish(batch); // the caller's job, retried
    expect((await routedIds()).sort()).toEqual(batch.map((e) => e.id).sort());
  });

  it("carries a name longer than a DetailType may be in Detail", async () => {
    const { bus, delivered, routedIds } = await open();
    const name = `app/${"n".repeat(200)}`;
    await bus.publish([anEvent({ id: "01LONG", name })]);
    await routedIds();
    expect(delivered[0]!["detail-type"]).toBe(LONG_NAME_DETAIL_TYPE);
    expect(routeJobFromEventBridge(delivered[0]!).name).toBe(name);
  });

  it("hands a delivery made twice to the router twice (EventBridge delivers at least once)", async () => {
    const { bus, emulator, delivered } = await open();
    emulator.deliverTwice();
    const [event] = events(1);
    await bus.publish([event!]);
    await emulator.settle();
    const jobs = delivered.map(routeJobFromEventBridge);
    expect(jobs).toEqual([
      { type: "route", eventId: event!.id, name: event!.name, event },
      { type: "route", eventId: event!.id, name: event!.name, event },
    ]);
  });

  it("refuses to route a delivery that is not a Ferry event", () => {
    const stray: EventBridgeDelivery = { version: "0", id: "x", "detail-type": "t", source: "other", account: "1", time: "", region: "r", resources: [], detail: { hello: 1 } };
    expect(() => routeJobFromEventBridge(stray)).toThrow(FerryError);
  });
});

describe("EventBridge emulator rules (raw SDK client)", () => {
  const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({ EventBusName: BUS, Source: "test", DetailType: "t", Detail: "{}", ...overrides });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { $metadata: { httpStatusCode?: number } });

  it("refuses a call of 0 or 11 entries with ValidationException", async () => {
    const { client } = await open();
    for (const count of [0, 11]) {
      const error = await failure(client.send(new PutEventsCommand({ Entries: Array.from({ length: count }, () => entry()) })));
      expect(error?.name).toBe("ValidationException");
      expect(error?.$metadata.httpStatusCode).toBe(400);
    }
  });

  it("refuses a call whose entries together exceed the size limit", async () => {
    const { client } = await open({ emulator: { maxEntryBytes: 1000 } });
    const error = await failure(client.send(new PutEventsCommand({ Entries: [entry({ Detail: JSON.stringify({ x: "y".repeat(600) }) }), entry({ Detail: JSON.stringify({ x: "y".repeat(600) }) })] })));
    expect(error?.name).toBe("ValidationException");
    expect(error?.message).toBe("Total size of the entries in the request is over the limit.");
  });

  it("fails bad entries one by one and accepts the rest", async () => {
    const { client, emulator, delivered } = await open();
    const out = await client.send(
      new PutEventsCommand({
        Entries: [entry({ Detail: undefined }), entry({ Detail: "[1]" }), entry({ Source: "aws.s3" }), entry({ DetailType: "d".repeat(129) }), entry({ Detail: '{"ok":true}' })],
      }),
    );
    expect(out.FailedEntryCount).toBe(4);
    expect(out.Entries?.map((e) => e.ErrorCode ?? "ok")).toEqual(["InvalidArgument", "MalformedDetail", "NotAuthorizedForSourceException", "InvalidArgument", "ok"]);
    expect(out.Entries?.[4]?.EventId).toEqual(expect.any(String));
    await emulator.settle();
    expect(delivered.map((d) => d.detail)).toEqual([{ ok: true }]);
  });

  it("fails the whole call when no entry has Source, DetailType and Detail", async () => {
    const { client } = await open();
    const error = await failure(client.send(new PutEventsCommand({ Entries: [entry({ Source: undefined }), entry({ DetailType: undefined })] })));
    expect(error?.name).toBe("ValidationException");
  });

  it("accepts and drops events for a bus that does not exist, as AWS does; or refuses them when told to", async () => {
    const { client, emulator, delivered } = await open();
    const out = await client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: "nope" })] }));
    expect(out.FailedEntryCount).toBe(0);
    await emulator.settle();
    expect(delivered).toEqual([]);
    expect(emulator.dropped).toHaveLength(1);
    expect((await failure(client.send(new DescribeEventBusCommand({ Name: "nope" }))))?.name).toBe("ResourceNotFoundException");

    const strict = await open({ emulator: { unknownBus: "reject" } });
    expect((await failure(strict.client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: "nope" })] }))))?.name).toBe("ResourceNotFoundException");
    const adapterError = await new EventBridgeEventBus({ client: strict.client, busName: "nope" }).publish(events(1)).catch((e: unknown) => e);
    expect(adapterError).toBeInstanceOf(FerryError);
    expect((adapterError as Error).message).toMatch(/publish events 01EVENT0000 to nope: ResourceNotFoundException/);
  });

  it("takes a bus by ARN, and refuses to create a bus twice", async () => {
    const { client, emulator, delivered } = await open();
    await client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: emulator.arnOf(BUS) })] }));
    await emulator.settle();
    expect(delivered).toHaveLength(1);
    expect((await failure(client.send(new CreateEventBusCommand({ Name: BUS }))))?.name).toBe("ResourceAlreadyExistsException");
  });

  it("answers ThrottlingException so that the SDK retries it as a throttle", async () => {
    const { client, emulator } = await open({ maxAttempts: 2 });
    emulator.throttleNext(1);
    const out = await client.send(new PutEventsCommand({ Entries: [entry()] }));
    expect(out.$metadata.attempts).toBe(2);
    expect(out.FailedEntryCount).toBe(0);
  });
});
