import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventBridgeDelivery } from "../adapters/aws/eventbridge-delivery";
import { AwsJsonError, awsJsonErrorOf, parseAwsJsonBody, readAwsJsonRequest, writeAwsJsonAnswer } from "./aws-json-protocol";

/** How an emulator behaves where the tests may want it to differ. */
export interface EventBridgeEmulatorOptions {
  /** @default "us-east-1" */
  region?: string;
  /** @default "123456789012" */
  account?: string;
  /** Entry size limit, also the limit of a call's entries together (bytes, as AWS counts). @default 1 MiB */
  maxEntryBytes?: number;
  /**
   * PutEvents to a bus that does not exist: AWS accepts such entries and drops them silently
   * (`FailedEntryCount` 0; aws/aws-sdk#186), which is "drop"; "reject" answers the call with
   * ResourceNotFoundException instead, for tests that want a misnamed bus to be loud. @default "drop"
   */
  unknownBus?: "drop" | "reject";
}

/** A PutEvents request entry as it arrives on the wire (`Time` in epoch seconds). */
export interface WireEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: number;
}

/** One API call the emulator answered. */
export interface EmulatorCall {
  operation: string;
  status: number;
  /** For PutEvents: how many entries the call carried, and how many failed. */
  entries?: number;
  failed?: number;
  error?: string;
}

/** Receives each delivered event with the name of its bus. */
export type DeliveryListener = (event: EventBridgeDelivery, bus: string) => void | Promise<void>;

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const BUS_ARN = /^arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/(.+)$/;
const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, "utf8"));

/**
 * An EventBridge emulator for tests: a small HTTP server speaking EventBridge's JSON API
 * (awsJson1_1, `X-Amz-Target: AWSEvents.<Operation>`) to the real `@aws-sdk/client-eventbridge`.
 * It answers CreateEventBus, DescribeEventBus, DeleteEventBus and PutEvents, and enforces the
 * documented PutEvents rules: 1-10 entries per call (else ValidationException), entries of at
 * most `maxEntryBytes` together, measured as AWS does (else ValidationException "Total size of
 * the entries in the request is over the limit."), per-entry failures (`InvalidArgument` for a
 * missing or overlong Source/DetailType/Detail, `MalformedDetail` for a Detail that is not a JSON
 * object, `NotAuthorizedForSourceException` for `aws.` sources) reported with `ErrorCode`,
 * `ErrorMessage` and `FailedEntryCount`, and a failed call when no entry has all three fields.
 *
 * Every accepted entry on an existing bus goes to each `onEvent` listener in EventBridge's event
 * envelope, shortly after the call returns, as a rule with one target matching everything would.
 * Knobs for tests: `failNext`/`failWhere` fail chosen entries, `throttleNext` answers whole calls
 * with ThrottlingException, `deliverTwice` delivers each event twice (EventBridge delivers at
 * least once).
 *
 * It is an emulator, not EventBridge: no rules or event patterns, input transformers, archives
 * and replays, schema registry, retries or dead-letter queues towards targets, partner or global
 * endpoints, permissions, tags or quotas, and no signature checks (any credentials will do).
 */
export class EventBridgeEmulator {
  /** Every call answered, in order. */
  readonly calls: EmulatorCall[] = [];
  /** Events accepted for a bus that does not exist (AWS drops them; see `unknownBus`). */
  readonly dropped: EventBridgeDelivery[] = [];
  /** What listeners threw (a target's failure; EventBridge would retry, the emulator records). */
  readonly deliveryErrors: unknown[] = [];
  readonly endpoint: string;
  private readonly buses = new Set(["default"]);
  private readonly listeners = new Set<DeliveryListener>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: Required<EventBridgeEmulatorOptions>;
  private throttles = 0;
  private failures: { count: number; code: string; message: string } = { count: 0, code: "", message: "" };
  private failPredicate: ((entry: WireEntry) => string | undefined) | undefined;
  private duplicates = false;

  private constructor(
    private readonly server: Server,
    options: EventBridgeEmulatorOptions,
  ) {
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.options = {
      region: options.region ?? "us-east-1",
      account: options.account ?? "123456789012",
      maxEntryBytes: options.maxEntryBytes ?? 1024 * 1024,
      unknownBus: options.unknownBus ?? "drop",
    };
  }

  /** Starts an emulator on a free port of 127.0.0.1; only the `default` bus exists. */
  static async start(options: EventBridgeEmulatorOptions = {}): Promise<EventBridgeEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const emulator = new EventBridgeEmulator(server, options);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      emulator.handle(req, res).catch(() => res.destroy()); // a request cut off while being read
    });
    return emulator;
  }

  /** Calls `listener` with every event delivered from now on; returns a function that stops it. */
  onEvent(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fails the next `count` otherwise valid entries with `code` (a retryable one by default). */
  failNext(count: number, code = "InternalFailure", message = "Injected failure"): void {
    this.failures = { count, code, message };
  }

  /** Fails every otherwise valid entry for which `predicate` names an error code; undefined stops it. */
  failWhere(predicate: ((entry: WireEntry) => string | undefined) | undefined): void {
    this.failPredicate = predicate;
  }

  /** Answers the next `count` calls, of any operation, with ThrottlingException. */
  throttleNext(count: number): void {
    this.throttles = count;
  }

  /** Delivers each accepted event twice (on) or once (off). */
  deliverTwice(on = true): void {
    this.duplicates = on;
  }

  /** The ARN of a bus of this emulator. */
  arnOf(bus: string): string {
    return `arn:aws:events:${this.options.region}:${this.options.account}:event-bus/${bus}`;
  }

  /** Resolves once every delivery started so far has reached its listeners. */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Stops the server, dropping the clients' kept-alive connections. */
  async close(): Promise<void> {
    await this.settle();
    this.listeners.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { operation, text } = await readAwsJsonRequest(req, "AWSEvents.");
    const call: EmulatorCall = { operation, status: 200 };
    this.calls.push(call);
    let status = 200;
    let body: unknown;
    try {
      if (this.throttles > 0) {
        this.throttles--;
        throw new AwsJsonError("ThrottlingException", "Rate exceeded");
      }
      body = this.dispatch(operation, parseAwsJsonBody(text), call);
    } catch (error) {
      const apiError = awsJsonErrorOf(error, "InternalException");
      status = apiError.status;
      call.error = apiError.type;
      body = { __type: apiError.type, message: apiError.message };
    }
    call.status = status;
    writeAwsJsonAnswer(res, status, body, call.error);
  }

  private dispatch(operation: string, input: Record<string, unknown>, call: EmulatorCall): unknown {
    switch (operation) {
      case "CreateEventBus": {
        const name = busName(input.Name);
        if (this.buses.has(name)) throw new AwsJsonError("ResourceAlreadyExistsException", `Event bus ${name} already exists.`);
        this.buses.add(name);
        return { EventBusArn: this.arnOf(name) };
      }
      case "DescribeEventBus": {
        const name = input.Name === undefined ? "default" : this.resolveBus(input.Name);
        if (!this.buses.has(name)) throw new AwsJsonError("ResourceNotFoundException", `Event bus ${name} does not exist.`);
        return { Name: name, Arn: this.arnOf(name) };
      }
      case "DeleteEventBus": {
        const name = busName(input.Name);
        if (name === "default") throw new AwsJsonError("ValidationException", "Cannot delete event bus default.");
        this.buses.delete(name);
        return {};
      }
      case "PutEvents":
        return this.putEvents(input, call);
      default:
        throw new AwsJsonError("UnknownOperationException", `The emulator does not implement ${operation || "(no X-Amz-Target)"}`);
    }
  }

  private putEvents(input: Record<string, unknown>, call: EmulatorCall): unknown {
    const entries = input.Entries as WireEntry[] | undefined;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsJsonError("ValidationException", `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10 (got ${Array.isArray(entries) ? entries.length : "none"})`);
    }
    call.entries = entries.length;
    const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
    if (total > this.options.maxEntryBytes) throw new AwsJsonError("ValidationException", "Total size of the entries in the request is over the limit.");
    if (entries.every((entry) => !entry.Source || !entry.DetailType || entry.Detail === undefined)) {
      throw new AwsJsonError("ValidationException", "No entry has all of Source, DetailType and Detail.");
    }
    const buses = entries.map((entry) => this.resolveBus(entry.EventBusName ?? "default"));
    const unknown = buses.find((bus) => !this.buses.has(bus));
    if (unknown !== undefined && this.options.unknownBus === "reject") throw new AwsJsonError("ResourceNotFoundException", `Event bus ${unknown} does not exist.`);
    const results = entries.map((entry, index) => {
      const problem = entryProblem(entry) ?? this.injectedFailure(entry);
      if (problem) return { ErrorCode: problem.code, ErrorMessage: problem.message };
      const event = this.envelope(entry);
      if (this.buses.has(buses[index]!)) this.deliver(event, buses[index]!);
      else this.dropped.push(event);
      return { EventId: event.id };
    });
    call.failed = results.filter((result) => "ErrorCode" in result).length;
    return { FailedEntryCount: call.failed, Entries: results };
  }

  private injectedFailure(entry: WireEntry): { code: string; message: string } | undefined {
    const code = this.failPredicate?.(entry);
    if (code) return { code, message: "Injected failure" };
    if (this.failures.count <= 0) return undefined;
    this.failures.count--;
    return { code: this.failures.code, message: this.failures.message };
  }

  private envelope(entry: WireEntry): EventBridgeDelivery {
    const at = entry.Time === undefined ? Date.now() : Math.floor(entry.Time) * 1000;
    const { region, account } = this.options;
    const detail = JSON.parse(entry.Detail as string) as unknown;
    return { version: "0", id: randomUUID(), "detail-type": entry.DetailType!, source: entry.Source!, account, time: new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z"), region, resources: entry.Resources ?? [], detail };
  }

  private deliver(event: EventBridgeDelivery, bus: string): void {
    for (let copy = 0; copy < (this.duplicates ? 2 : 1); copy++) {
      // Each copy is its own object, as two deliveries over the wire would be.
      const delivery: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => Promise.all([...this.listeners].map((listener) => listener(structuredClone(event), bus))))
        .then(() => undefined, (error: unknown) => void this.deliveryErrors.push(error))
        .finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  private resolveBus(nameOrArn: unknown): string {
    const arn = typeof nameOrArn === "string" ? BUS_ARN.exec(nameOrArn) : null;
    return busName(arn ? arn[1] : nameOrArn);
  }
}

/** Size of an entry as AWS measures it: Time 14 bytes, the strings their UTF-8 bytes. */
export function entrySize(entry: WireEntry): number {
  const resources = (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0);
  return (entry.Time === undefined ? 0 : 14) + utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail) + resources;
}

/** Why EventBridge would fail this entry on its own, if it would. */
function entryProblem(entry: WireEntry): { code: string; message: string } | undefined {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (entry[field] === undefined || entry[field] === "") return { code: "InvalidArgument", message: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
  }
  if (entry.Source!.length > 256) return { code: "InvalidArgument", message: "Parameter Source is not valid. Reason: Source is longer than 256 characters." };
  if (entry.DetailType!.length > 128) return { code: "InvalidArgument", message: "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters." };
  if (entry.Source!.startsWith("aws.")) return { code: "NotAuthorizedForSourceException", message: "Not authorized for the source." };
  try {
    const detail = JSON.parse(entry.Detail!) as unknown;
    if (detail === null || typeof detail !== "object" || Array.isArray(detail)) throw new Error("not an object");
  } catch {
    return { code: "MalformedDetail", message: "Detail is malformed." };
  }
  return undefined;
}

function busName(name: unknown): string {
  if (typeof name !== "string" || !BUS_NAME.test(name)) throw new AwsJsonError("ValidationException", `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+`);
  return name;
}

