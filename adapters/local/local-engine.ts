import type Database from "better-sqlite3";
import {
  defaultSettings,
  dropJob,
  FunctionCatalog,
  handleJob,
  type AlarmClock,
  type Delivery,
  type Job,
  type EngineDeps,
  type EngineObserver,
  type EngineSettings,
  type FunctionCaller,
} from "../../core";
import { openDatabase } from "./sqlite/database";
import { GroupCommit } from "./sqlite/group-commit";
import { createSqliteStores } from "./sqlite/sqlite-stores";
import { SqliteSweeper } from "./sqlite/sqlite-sweeper";
import { QueueEventBus } from "./queue-event-bus";
import { SqliteJobQueue } from "./sqlite-job-queue";
import { SystemClock } from "./system-clock";
import { UlidIds } from "../common/ulid-ids";

/** What the local engine is built from. */
export interface LocalEngineOptions {
  /** SQLite file path, or ":memory:" for a store that vanishes with the process. */
  database: string;
  /** Calls user endpoints (the dev server passes the signing HTTP caller). */
  caller: FunctionCaller;
  /** @default the system clock */
  clock?: AlarmClock;
  settings?: Partial<EngineSettings>;
  observer?: EngineObserver;
  /** Jobs handled at once. @default 64 */
  concurrency?: number;
  /**
   * Handles one job. @default core `handleJob`. A seam for the fault-injection tests, which
   * wrap it to make a job's port calls fail and watch it converge on redelivery.
   */
  handle?: (deps: EngineDeps, job: Job, delivery: Delivery) => Promise<void>;
}

/** How often expired keys and claims are swept from the database (engine clock). */
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** The engine core wired to SQLite, the persisted job queue and the clock. */
export interface LocalEngine {
  deps: EngineDeps;
  queue: SqliteJobQueue;
  db: Database.Database;
  /**
   * Resolves once the writes made so far are committed (they are grouped per turn of the event
   * loop, see `GroupCommit`). Await it before anything that depends on them leaves the process,
   * such as an HTTP response; calls to functions already do.
   */
  durable(): Promise<void>;
  /** Commits the writes made so far now (before a process is killed on purpose, in tests). */
  commit(): void;
  /** Starts executing queued work (including work left by a previous process). */
  start(): void;
  /** Resolves once nothing is running or due now. */
  idle(): Promise<void>;
  /** Stops after in-flight jobs finish and closes the database. */
  close(): Promise<void>;
}

/**
 * Builds the local engine. Everything durable lives in the one SQLite file, so a process killed
 * at any moment resumes where it stopped when started again on the same file.
 *
 * @example
 * const engine = createLocalEngine({ database: ".ferry/dev.db", caller: new HttpFunctionCaller() });
 * engine.start();
 */
export function createLocalEngine(options: LocalEngineOptions): LocalEngine {
  const db = openDatabase(options.database);
  const clock = options.clock ?? new SystemClock();
  const observer = options.observer ?? {};
  const handle = options.handle ?? handleJob;
  // Before the stores prepare their statements, so their writes join the groups.
  const group = new GroupCommit(db, {
    onFailure: (error) => {
      observer.problem?.("stopping: a database commit failed", error);
      throw error;
    },
  });
  const stores = createSqliteStores(db);
  const queue = new SqliteJobQueue(db, clock, observer, { concurrency: options.concurrency });
  const deps: EngineDeps = {
    clock,
    ids: new UlidIds(clock),
    ...stores,
    queue,
    timers: queue,
    bus: new QueueEventBus(queue),
    caller: committingFirst(options.caller, group),
    catalog: new FunctionCatalog(stores.apps, () => clock.now()),
    observer,
    settings: { ...defaultSettings, ...options.settings },
  };
  let closed = false;
  const sweeper = new SqliteSweeper(db);
  let cancelSweep = () => {};
  const sweep = () => {
    try {
      sweeper.sweep(clock.now());
    } catch (error) {
      observer.problem?.("could not sweep expired keys", error);
    }
    cancelSweep = clock.setAlarm(clock.now() + SWEEP_INTERVAL_MS, sweep);
  };
  return {
    deps,
    queue,
    db,
    durable: () => group.durable(),
    commit: () => group.commit(),
    start: () => {
      queue.start(
        (job, delivery) => handle(deps, job, delivery),
        (job, deliveries, error) => dropJob(deps, job, deliveries, error),
      );
      sweep();
    },
    idle: () => queue.idle(),
    close: async () => {
      if (closed) return;
      closed = true;
      cancelSweep();
      await queue.stop();
      group.commit();
      db.close();
    },
  };
}

/** The app is outside the process: what it is told (the memo, the run's state) must be committed. */
function committingFirst(caller: FunctionCaller, group: GroupCommit): FunctionCaller {
  return {
    call: async (...args) => {
      await group.durable();
      return caller.call(...args);
    },
  };
}
