import type { AppRecord, FunctionRecord } from "../model/app";
import type { StoredEvent } from "../model/event";
import type { RunPhase, RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import type { WaitRecord } from "../model/wait";

/**
 * Conditional-write convention shared by every store: `expectedVersion` null means "must not
 * exist yet"; a number means "must still be at this version". A mismatch throws ConflictError.
 * Each call touches one item, so DynamoDB can implement it with one conditional PutItem.
 */
export type ExpectedVersion = number | null;

/** Accepted events and sender-id deduplication. */
export interface EventStore {
  /** Stores an event; ids are ULIDs, so it never conflicts. */
  putEvent(event: StoredEvent): Promise<void>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  /**
   * Events of that name received at or after `since`, oldest first (waitForEvent look-back).
   * Strongly consistent: sees every event stored before the call began (DynamoDB: a base-table
   * query on one partition per event name, never a GSI), which closes the race with routing.
   */
  findEventsSince(name: string, since: number): Promise<StoredEvent[]>;
  /**
   * Claims a sender-given id until `expiresAt`. Returns undefined when claimed, or the event id
   * that holds it when an unexpired claim exists.
   */
  claimExternalId(externalId: string, eventId: string, now: number, expiresAt: number): Promise<string | undefined>;
  /**
   * Events newest first (by `receivedAt`, then id), a page at a time, for views. May lag behind
   * writes (an index).
   */
  listEvents(query: EventQuery): Promise<Page<StoredEvent>>;
}

/**
 * Where a newest-first listing goes on from: the sort position (`at`, the time it is ordered by,
 * and `id`) of the last record of the previous page. Records at or after it in listing order
 * are not listed again.
 */
export interface PageCursor {
  at: number;
  id: string;
}

/** One page of a newest-first listing. */
export interface Page<T> {
  items: T[];
  /**
   * Set when more records may follow: pass it as `after` for the next page. A page can hold
   * fewer than `limit` items and still have a `next` (a store that filters what it reads stops
   * after a bounded amount of reading); `next` absent means the listing is exhausted.
   */
  next?: PageCursor;
}

/** Which events a listing shows. */
export interface EventQuery {
  /** At most this many items (1..1000). */
  limit: number;
  after?: PageCursor;
}

/** Which runs a listing shows; every filter given must hold. */
export interface RunQuery {
  /** At most this many items (1..1000). */
  limit: number;
  functionId?: string;
  /** The run's phase now (see `runPhase`). */
  phase?: RunPhase;
  /** Runs created at or after this time (epoch ms). */
  from?: number;
  /** Runs created before this time (epoch ms). */
  to?: number;
  after?: PageCursor;
  /**
   * A store that checks filters on the records it reads (DynamoDB) reads at most this many for
   * the page, when fewer than its own bound: a caller asking often (a live page's watch) keeps
   * each call cheap, and gets a short page with `next` when the bound was reached.
   */
  readBudget?: number;
}

/** Runs and their steps. */
export interface RunStore {
  putRun(run: RunRecord, expectedVersion: ExpectedVersion): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /**
   * Runs started by an event, oldest first. Strongly consistent (batching reads it to tell a
   * redelivered event from a new one). Creating a run writes one link per triggering event
   * before the run itself, each its own idempotent write; a link whose run is not stored (a
   * creation cut short, finished by convergence) is not listed.
   */
  listRunsByEvent(eventId: string): Promise<RunRecord[]>;
  /**
   * Runs newest first (by `createdAt`, then id), filtered and a page at a time. May lag behind
   * writes (an index): for views only. Each listed run shows its latest stored state, and a
   * phase filter is checked against that state.
   */
  listRuns(query: RunQuery): Promise<Page<RunRecord>>;
  putStep(step: StepRecord, expectedVersion: ExpectedVersion): Promise<void>;
  getStep(runId: string, stepId: string): Promise<StepRecord | undefined>;
  /** Every step of a run, in the order they started. */
  listSteps(runId: string): Promise<StepRecord[]>;
}

/** Registered apps and functions. */
export interface AppStore {
  putApp(app: AppRecord, expectedVersion: ExpectedVersion): Promise<void>;
  getApp(id: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  putFunction(fn: FunctionRecord, expectedVersion: ExpectedVersion): Promise<void>;
  getFunction(id: string): Promise<FunctionRecord | undefined>;
  /** Every function, active or not. */
  listFunctions(): Promise<FunctionRecord[]>;
  /**
   * The registry version: one small item that every sync moves on after storing its functions,
   * so a long-lived process notices another process's registration with one cheap read. 0
   * before the first sync. Must read the latest write (on DynamoDB a strongly consistent read).
   */
  getRegistryVersion(): Promise<number>;
  /** Moves the registry version from `expected` to `expected + 1`; ConflictError when it is no longer `expected`. */
  bumpRegistryVersion(expected: number): Promise<void>;
}

/** Runs paused on an event. */
export interface WaitStore {
  /** Stores a wait (condition: not exists). */
  putWait(wait: WaitRecord): Promise<void>;
  /**
   * Waits expecting an event name. Strongly consistent: sees every wait stored before the call
   * began (DynamoDB: a base-table query on one partition per event name), which is what lets a
   * wait and an event racing each other always meet (see `findEventsSince`).
   */
  listWaitsByEvent(event: string): Promise<WaitRecord[]>;
  /** Removes a wait; false when it was already gone, so exactly one resumer wins. */
  deleteWait(id: string): Promise<boolean>;
}
