import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry, type PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { FerryError, ThrottledError, ValidationError, type EventBus, type StoredEvent } from "../../core";
import { awsCall } from "./aws-errors";
import { detailTypeOf, eventDetail, FERRY_SOURCE } from "./eventbridge-delivery";

/** Where and how an `EventBridgeEventBus` publishes. */
export interface EventBridgeEventBusOptions {
  client: EventBridgeClient;
  /** The bus's name or ARN. */
  busName: string;
  /** `Source` of every entry; the runner's rule matches on it. @default "ferry" */
  source?: string;
  /** Largest entry EventBridge takes, also the most one `PutEvents` call carries in total (bytes, as AWS counts them). @default 1 MiB */
  maxEntryBytes?: number;
  /** Rounds of resending the entries a call failed, after the first call. @default 3 */
  retryRounds?: number;
  /** Wait before the first resend; doubles each round (ms). @default 100 */
  retryDelayMs?: number;
}

/** What one `PutEvents` call carries at most (an AWS limit). */
export const MAX_ENTRIES_PER_CALL = 10;
/** EventBridge's entry size limit since 2026 (it was 256 KB). */
export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
/** Per-entry error codes EventBridge documents as worth sending again. */
const RETRYABLE = new Set(["ThrottlingException", "InternalFailure", "InternalException"]);

interface Entry {
  event: StoredEvent;
  entry: PutEventsRequestEntry;
  bytes: number;
}

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * The event bus on AWS: each stored event becomes one `PutEvents` entry on an EventBridge bus,
 * whose rule hands it to the runner Lambda (see `routeJobFromEventBridge`). Calls carry at most
 * 10 entries and at most `maxEntryBytes` in total; an event too big for one entry is refused
 * before anything is sent. A call can fail in part: only its failed entries are sent again, a
 * few rounds with a growing pause, and what still fails rejects `publish` (the caller's job is
 * retried; entries already accepted go out again, which routing absorbs).
 */
export class EventBridgeEventBus implements EventBus {
  private readonly options: Required<EventBridgeEventBusOptions>;

  constructor(options: EventBridgeEventBusOptions) {
    this.options = {
      client: options.client,
      busName: options.busName,
      source: options.source ?? FERRY_SOURCE,
      maxEntryBytes: options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
      retryRounds: options.retryRounds ?? 3,
      retryDelayMs: options.retryDelayMs ?? 100,
    };
  }

  async publish(events: StoredEvent[]): Promise<void> {
    const entries = events.map((event, index) => this.entryOf(event, index));
    for (const call of this.calls(entries)) await this.send(call);
  }

  private entryOf(event: StoredEvent, index: number): Entry {
    const { source, busName, maxEntryBytes } = this.options;
    const detailType = detailTypeOf(event.name);
    const detail = eventDetail(event);
    // How AWS measures an entry: Time counts 14 bytes, the strings their UTF-8 bytes.
    const bytes = 14 + utf8(source) + utf8(detailType) + utf8(detail);
    if (bytes > maxEntryBytes) throw new ValidationError(`event ${event.id} (${event.name}) is ${bytes} bytes as an EventBridge entry; the limit is ${maxEntryBytes}`, `events[${index}]`);
    // Time: when Ferry accepted the event, not when this publish ran (a retried job publishes later).
    const entry: PutEventsRequestEntry = { EventBusName: busName, Source: source, DetailType: detailType, Detail: detail, Time: new Date(event.receivedAt) };
    return { event, entry, bytes };
  }

  /** Packs entries in order into calls within both limits. */
  private calls(entries: Entry[]): Entry[][] {
    const calls: Entry[][] = [];
    let current: Entry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      if (current.length === MAX_ENTRIES_PER_CALL || bytes + entry.bytes > this.options.maxEntryBytes) {
        calls.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += entry.bytes;
    }
    if (current.length) calls.push(current);
    return calls;
  }

  private async send(call: Entry[]): Promise<void> {
    let pending = call;
    for (let round = 0; ; round++) {
      const ids = pending.map((e) => e.event.id).join(", ");
      const out = await awsCall(`publish events ${ids} to ${this.options.busName}`, () => this.options.client.send(new PutEventsCommand({ Entries: pending.map((e) => e.entry) })));
      const results = out.Entries ?? [];
      // Results come in request order; a result without an EventId (or a missing one) is a failure.
      const failed = pending.map((entry, i) => ({ entry, result: results[i] })).filter(({ result }) => !result?.EventId || result.ErrorCode);
      if (failed.length === 0) return;
      const final = round >= this.options.retryRounds || failed.some(({ result }) => !RETRYABLE.has(result?.ErrorCode ?? ""));
      if (final) throw publishError(this.options.busName, failed);
      await pause(this.options.retryDelayMs * 2 ** round);
      pending = failed.map(({ entry }) => entry);
    }
  }
}

/** The error for entries EventBridge kept refusing: a `ThrottledError` when it only asked us to slow down. */
function publishError(bus: string, failed: { entry: Entry; result: PutEventsResultEntry | undefined }[]): FerryError {
  const detail = failed.map(({ entry, result }) => `${entry.event.id}: ${result?.ErrorCode ?? "no result"}${result?.ErrorMessage ? ` (${result.ErrorMessage})` : ""}`).join("; ");
  const message = `EventBridge bus ${bus} refused ${failed.length} event(s): ${detail}`;
  return failed.every(({ result }) => RETRYABLE.has(result?.ErrorCode ?? "")) ? new ThrottledError(message) : new FerryError(message);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
