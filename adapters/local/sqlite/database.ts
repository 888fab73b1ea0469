import Database from "better-sqlite3";
import { ConflictError, FerryError } from "../../../core";

/** A better-sqlite3 connection, as the stores and the job queue take it. */
export type SqliteDatabase = Database.Database;

/**
 * Schema steps, applied in order; `user_version` records how many ran, so an existing file is
 * upgraded in place. Append only: never edit a step that has shipped. Exported so tests can
 * build a file as an older version left it.
 *
 * `seq` columns are plain rowid aliases, not AUTOINCREMENT: new rows still get max + 1 (insertion
 * order, as `listSteps` needs), without the extra `sqlite_sequence` write on every insert.
 */
export const migrations: readonly string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX events_by_name ON events (name, received_at);
   CREATE INDEX events_by_received ON events (received_at);
   CREATE TABLE external_ids (
     external_id TEXT PRIMARY KEY,
     event_id TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     version INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX runs_by_created ON runs (created_at);
   CREATE TABLE run_events (
     event_id TEXT NOT NULL,
     run_id TEXT NOT NULL,
     PRIMARY KEY (event_id, run_id)
   );
   CREATE TABLE steps (
     seq INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL,
     id TEXT NOT NULL,
     version INTEGER NOT NULL,
     body TEXT NOT NULL,
     UNIQUE (run_id, id)
   );
   CREATE TABLE apps (
     id TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE TABLE functions (
     id TEXT PRIMARY KEY,
     app_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE TABLE waits (
     id TEXT PRIMARY KEY,
     event TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX waits_by_event ON waits (event);
   CREATE TABLE flow_state (
     key TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     expires_at INTEGER,
     body TEXT NOT NULL
   );
   CREATE TABLE backlog (
     key TEXT NOT NULL,
     id TEXT NOT NULL,
     score REAL NOT NULL,
     job TEXT NOT NULL,
     PRIMARY KEY (key, id)
   );
   CREATE INDEX backlog_by_score ON backlog (key, score, id);
   CREATE TABLE skips (
     seq INTEGER PRIMARY KEY,
     event_id TEXT NOT NULL,
     function_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX skips_by_event ON skips (event_id, seq);
   CREATE INDEX skips_by_function ON skips (function_id, at);
   CREATE TABLE jobs (
     seq INTEGER PRIMARY KEY,
     timer_id TEXT UNIQUE,
     run_at INTEGER NOT NULL,
     job TEXT NOT NULL,
     deliveries INTEGER NOT NULL DEFAULT 0,
     leased_until INTEGER
   );
   CREATE INDEX jobs_by_run_at ON jobs (run_at);`,
  // The registry version (AppStore.getRegistryVersion): one row, so a bump is one UPDATE ... WHERE version = ?.
  `CREATE TABLE registry_version (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     version INTEGER NOT NULL
   );
   INSERT INTO registry_version (id, version) VALUES (1, 0);`,
  // Jobs carry their ordering group (core jobGroup): one job of a group runs at a time, as with
  // SQS FIFO. `timer_id` now names every job (core jobId), so a job queued twice is kept once.
  // Skips are recorded once per event and function, however often the event is routed.
  `ALTER TABLE jobs ADD COLUMN grp TEXT;
   DELETE FROM skips WHERE seq NOT IN (SELECT MIN(seq) FROM skips GROUP BY event_id, function_id);
   CREATE UNIQUE INDEX skips_once ON skips (event_id, function_id);
   CREATE TABLE payloads (
     key TEXT PRIMARY KEY,
     expires_at INTEGER,
     body TEXT NOT NULL
   );`,
  // Listings (RunStore.listRuns, EventStore.listEvents) page newest first by (time, id) and
  // filter runs by function and phase: both become columns, filled in from the stored bodies
  // (the CASE is core `runPhase`), and each filter combination gets an index in listing order,
  // so any page is one index range walk, however many rows there are. The old time-only
  // indexes could not order ties by id, so the (time, id) ones replace them.
  `ALTER TABLE runs ADD COLUMN function_id TEXT;
   ALTER TABLE runs ADD COLUMN phase TEXT;
   UPDATE runs SET
     function_id = json_extract(body, '$.functionId'),
     phase = CASE
       WHEN json_extract(body, '$.status') != 'Running' THEN lower(json_extract(body, '$.status'))
       WHEN json_extract(body, '$.waiting.type') = 'sleeping' THEN 'sleeping'
       WHEN json_extract(body, '$.waiting.type') IN ('waiting-for-event', 'invoking') THEN 'waiting'
       WHEN json_extract(body, '$.waiting.type') IN ('queued', 'concurrency', 'throttled') THEN 'queued'
       WHEN json_extract(body, '$.waiting.type') = 'retrying' THEN 'running'
       WHEN json_extract(body, '$.startedAt') IS NULL THEN 'queued'
       ELSE 'running'
     END;
   DROP INDEX runs_by_created;
   CREATE INDEX runs_listed ON runs (created_at, id);
   CREATE INDEX runs_listed_by_function ON runs (function_id, created_at, id);
   CREATE INDEX runs_listed_by_phase ON runs (phase, created_at, id);
   CREATE INDEX runs_listed_by_function_phase ON runs (function_id, phase, created_at, id);
   DROP INDEX events_by_received;
   CREATE INDEX events_listed ON events (received_at, id);`,
];

/**
 * Opens (creating if needed) the local engine's database and brings its schema up to date.
 * WAL with NORMAL sync is durable across process crashes (kill -9), which is what a dev server
 * needs. A file is owned by one process at a time. A path's parent folder must exist.
 *
 * @example
 * const db = openDatabase(".ferry/dev.db");
 */
export function openDatabase(path: string | ":memory:"): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path);
    if (path !== ":memory:") {
      // One process owns the file: a second `ferry dev` on the same database would dispatch the
      // same queued jobs twice. Exclusive locking makes it fail instead, and skips the shared
      // lock dance on every commit (measurably faster per step).
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
    }
    db.pragma("synchronous = NORMAL");
    // Checkpoints are where NORMAL syncs to disk; at thousands of small commits a second the
    // default (every 1,000 pages) checkpoints several times a second. 10,000 pages (~40 MB of
    // WAL) measured ~7% more steps/s; the WAL file is trimmed back after each checkpoint.
    db.pragma("wal_autocheckpoint = 10000");
    db.pragma("journal_size_limit = 67108864");
    // A brief wait covers a previous owner that is just exiting; then fail with a clear error.
    db.pragma("busy_timeout = 500");
    // Records reference each other by id only (as on DynamoDB), so no foreign keys.
    db.pragma("foreign_keys = OFF");
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    // Duck-typed: the driver's error class may come from another realm (jest's VM).
    const message = String((error as { message?: unknown } | null)?.message ?? error);
    if (/database is locked|SQLITE_BUSY/i.test(message)) {
      throw new FerryError(`database ${path} is locked by another connection (is another ferry dev running on it?)`, { cause: error });
    }
    throw toFerryError(`open database ${path}`, error);
  }
}

function migrate(db: SqliteDatabase): void {
  const applied = Number(db.pragma("user_version", { simple: true }));
  for (let index = applied; index < migrations.length; index++) {
    // Each step and its version bump commit together, so a crash never leaves half a step.
    db.transaction(() => {
      db.exec(migrations[index] as string);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}

/** True for an SQLite constraint violation (unique key, primary key...). */
function isConstraintError(error: unknown): boolean {
  return error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("SQLITE_CONSTRAINT");
}

/** Translates a driver error so no better-sqlite3 type escapes the adapter. */
export function toFerryError(what: string, error: unknown): Error {
  if (error instanceof FerryError) return error;
  if (isConstraintError(error)) return new ConflictError(`${what}: already exists`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError(`${what}: ${message}`, { cause: error });
}

/** Runs a synchronous database call, translating any driver error. */
export function guard<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toFerryError(what, error);
  }
}

/** Parses a `body` column written by the same adapter. */
export function parseBody<T>(body: string): T {
  return JSON.parse(body) as T;
}
