import Database from "better-sqlite3";
import type { Job, RunRecord, StepRecord } from "../../core";

/** One row of the local queue's `jobs` table (queued work and timers). */
export interface StoredJob {
  job: Job;
  /** Handed to a worker and not acknowledged: in flight when the process stopped. */
  leased: boolean;
  runAt: number;
  timerId: string | null;
}

/** What a dev server database holds, read straight from the file. */
export interface StoredState {
  runs: RunRecord[];
  steps: StepRecord[];
  jobs: StoredJob[];
  events: { id: string; name: string }[];
}

/**
 * Reads a `ferry dev` database that no process holds any more (say, after a SIGKILL), read-only,
 * so a test can see exactly what a crash left on disk before the next process recovers it.
 */
export function readStoredState(path: string): StoredState {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const bodies = <T>(sql: string) => (db.prepare(sql).all() as { body: string }[]).map((row) => JSON.parse(row.body) as T);
    const jobs = db.prepare("SELECT job, leased_until, run_at, timer_id FROM jobs ORDER BY seq").all() as { job: string; leased_until: number | null; run_at: number; timer_id: string | null }[];
    return {
      runs: bodies<RunRecord>("SELECT body FROM runs ORDER BY created_at, id"),
      steps: bodies<StepRecord>("SELECT body FROM steps ORDER BY seq"),
      jobs: jobs.map((row) => ({ job: JSON.parse(row.job) as Job, leased: row.leased_until !== null, runAt: row.run_at, timerId: row.timer_id })),
      events: db.prepare("SELECT id, name FROM events ORDER BY received_at, id").all() as { id: string; name: string }[],
    };
  } finally {
    db.close();
  }
}
