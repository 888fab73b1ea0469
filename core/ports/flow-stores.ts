import type { Job } from "../model/job";
import type { ExpectedVersion } from "./stores";

/** Kinds of flow state (the key's first `:`-separated part) that `listStates` can list. */
export const LISTED_FLOW_KINDS = ["conc", "throttle", "debounce", "rate", "batch", "singleton"] as const;

/** The kind of a flow key or prefix (before its first `:`) when items of that kind are listable, else undefined. */
export function listedFlowKind(key: string): string | undefined {
  const colon = key.indexOf(":");
  const kind = colon < 0 ? "" : key.slice(0, colon);
  return (LISTED_FLOW_KINDS as readonly string[]).includes(kind) ? kind : undefined;
}

/** One piece of flow-control state (a lease set, a throttle cell, a debounce buffer...). */
export interface FlowItem<T = unknown> {
  key: string;
  value: T;
  version: number;
  /** When the item may be dropped (DynamoDB TTL); absent keeps it. */
  expiresAt?: number;
}

/**
 * Keyed flow-control state. Every change is one conditional write on one item, the same
 * convention as the other stores, so counters, leases and windows behave identically on
 * SQLite and DynamoDB.
 */
export interface FlowStateStore {
  getState<T>(key: string): Promise<FlowItem<T> | undefined>;
  /** Writes `value` at version `expectedVersion + 1` (1 when creating); ConflictError on mismatch. */
  putState<T>(key: string, value: T, expectedVersion: ExpectedVersion, expiresAt?: number): Promise<void>;
  /** Deletes the item if still at `expectedVersion`; ConflictError otherwise. */
  deleteState(key: string, expectedVersion: number): Promise<void>;
  /**
   * Items whose key starts with `prefix`, in key order, at most `limit`, for views (the
   * dashboard's flow-control page). The prefix starts with one of the `LISTED_FLOW_KINDS` and
   * its `:` (`conc:fn:<fnId>:`, `throttle:<fnId>:`), which is what lets DynamoDB list it through
   * one index partition per kind; other kinds (idempotency keys, one per event) are not
   * listable. May lag behind writes; expired items may still be listed.
   */
  listStates<T>(prefix: string, limit: number): Promise<FlowItem<T>[]>;
}

/** A job waiting for concurrency capacity. Lower `score` goes first (earlier, or higher priority). */
export interface BacklogEntry {
  key: string;
  id: string;
  score: number;
  job: Job;
}

/** Jobs parked per concurrency key until a slot frees up. */
export interface BacklogStore {
  park(entry: BacklogEntry): Promise<void>;
  /** The first `limit` entries of a key, lowest score first. */
  peek(key: string, limit: number): Promise<BacklogEntry[]>;
  /**
   * Removes an entry; true only for the caller that removed it, so one waker wins. By id alone,
   * whatever was parked under it since the caller peeked: a call woken from the backlog that
   * parks again does so under a new id (`backlogEntryId` in core/flow/concurrency.ts).
   */
  remove(key: string, id: string): Promise<boolean>;
  /** Number of parked entries of a key (for the API). */
  count(key: string): Promise<number>;
}

/** Why an event did not start a run of a function. */
export type SkipReason = "rate-limited" | "idempotent-duplicate" | "debounce-superseded" | "singleton-running";

/** A record that an event was deliberately not run, visible through the API. */
export interface SkipRecord {
  eventId: string;
  functionId: string;
  reason: SkipReason;
  at: number;
  /** The key value that decided it, when keyed. */
  key?: string;
  /** For debounce: the event that superseded this one. */
  supersededBy?: string;
}

/** Skipped events. */
export interface SkipStore {
  putSkip(skip: SkipRecord): Promise<void>;
  listSkipsByEvent(eventId: string): Promise<SkipRecord[]>;
  listSkipsByFunction(functionId: string, limit: number): Promise<SkipRecord[]>;
}
