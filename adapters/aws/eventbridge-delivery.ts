import { FerryError, type Job, type StoredEvent } from "../../core";

/**
 * An event as EventBridge hands it to a rule target (what a Lambda target receives as its
 * input): the envelope EventBridge builds around each `PutEvents` entry.
 */
export interface EventBridgeDelivery<Detail = unknown> {
  version: string;
  /** EventBridge's id of this entry (not Ferry's event id; a redelivery keeps it). */
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** When the event happened, ISO 8601 to the second (the entry's `Time`, else its arrival). */
  time: string;
  region: string;
  resources: string[];
  /** The entry's `Detail`, parsed: EventBridge delivers it as an object. */
  detail: Detail;
}

/** What Ferry puts in an entry's `Detail`: the stored event whole, so the router need not read it back. */
export interface FerryEventDetail {
  /** The format of this detail, for a later change of it. */
  version: 1;
  event: StoredEvent;
}

/** A `route` job, as the runner handles it. */
export type RouteJob = Extract<Job, { type: "route" }>;

/** `Source` of Ferry's entries, unless the bus is told otherwise. */
export const FERRY_SOURCE = "ferry";
/** EventBridge's limit on `DetailType` (characters). */
export const MAX_DETAIL_TYPE_LENGTH = 128;
/** `DetailType` of an event whose name is longer than EventBridge takes; the name stays in `Detail`. */
export const LONG_NAME_DETAIL_TYPE = "ferry/long-name";

/**
 * The entry's `DetailType`: the event name, so rules and metrics can tell events apart, unless
 * EventBridge would refuse it (empty or over 128 characters). Routing reads the name from
 * `Detail`, never from here.
 */
export function detailTypeOf(name: string): string {
  return name.length >= 1 && name.length <= MAX_DETAIL_TYPE_LENGTH ? name : LONG_NAME_DETAIL_TYPE;
}

/** The entry's `Detail` for a stored event (a JSON object, as EventBridge requires). */
export function eventDetail(event: StoredEvent): string {
  const detail: FerryEventDetail = { version: 1, event };
  return JSON.stringify(detail);
}

/**
 * The `route` job for an event EventBridge delivered: what the runner Lambda hands to the core.
 * It carries the stored event from `Detail`, so routing skips the read. A delivery that is not
 * one of Ferry's (a stray rule match, another format) is refused with a `FerryError`, not routed.
 *
 * @example
 * export const handler = async (delivery: EventBridgeDelivery) => handleJob(deps, routeJobFromEventBridge(delivery));
 */
export function routeJobFromEventBridge(delivery: EventBridgeDelivery): RouteJob {
  const detail = delivery.detail as Partial<FerryEventDetail> | null | undefined;
  const event = detail?.event;
  if (detail?.version !== 1 || !event || typeof event.id !== "string" || typeof event.name !== "string") {
    throw new FerryError(`EventBridge event ${delivery.id} (${delivery.source}, ${delivery["detail-type"]}) is not a Ferry event (detail version ${String(detail?.version)})`);
  }
  return { type: "route", eventId: event.id, name: event.name, event };
}
