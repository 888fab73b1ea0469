import type Database from "better-sqlite3";
import { jobGroup, jobId, type AlarmClock, type Delivery, type EngineObserver, type Job, type RunQueue, type TimerRecord, type Timers } from "../../core";

/** Runs one job; a rejection makes the queue deliver it again later. */
export type JobHandler = (job: Job, delivery: Delivery) => Promise<void>;

/** Called when a job failed its last delivery, before it is removed (see `dropJob`). */
export type DropHandler = (job: Job, deliveries: number, error: unknown) => Promise<void>;

/** Tuning of the local queue. */
export interface JobQueueOptions {
  /** Jobs handled at once (each is mostly waiting on an HTTP call). @default 64 */
  concurrency?: number;
  /** Deliveries before a failing job is dropped and reported. @default 10 */
  maxDeliveries?: number;
}

/** A job may start when no job of its group is running (jobs without a group always may). */
const groupFree = "(j.grp IS NULL OR NOT EXISTS (SELECT 1 FROM jobs l WHERE l.grp = j.grp AND l.leased_until IS NOT NULL))";

interface Row {
  seq: number;
  job: string;
  deliveries: number;
}

/**
 * The run queue and the timers of the local engine, persisted in one SQLite `jobs` table so a
 * killed dev server loses nothing: a job is deleted only after its handler finished, and a job
 * that was in flight when the process died is delivered again (`redelivered`) on the next start.
 *
 * No polling: `enqueue` wakes the dispatcher at once, and future work is fired by one alarm set
 * for the earliest timer, re-armed whenever an earlier one is scheduled.
 */
export class SqliteJobQueue implements RunQueue, Timers {
  private readonly concurrency: number;
  private readonly maxDeliveries: number;
  private readonly statements;
  private handler?: JobHandler;
  private onDrop?: DropHandler;
  private running = 0;
  private pumpScheduled = false;
  private alarm?: { at: number; cancel: () => void };
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Database.Database,
    private readonly clock: AlarmClock,
    private readonly observer: EngineObserver = {},
    options: JobQueueOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 64;
    this.maxDeliveries = options.maxDeliveries ?? 10;
    this.statements = {
      // A job already queued (or running) under the same id is the same work: keep the first.
      insert: db.prepare("INSERT INTO jobs (timer_id, grp, run_at, job) VALUES (?, ?, ?, ?) ON CONFLICT (timer_id) DO NOTHING"),
      detachLeasedTimer: db.prepare("UPDATE jobs SET timer_id = NULL WHERE timer_id = ? AND leased_until IS NOT NULL"),
      upsertTimer: db.prepare(
        `INSERT INTO jobs (timer_id, grp, run_at, job) VALUES (?, ?, ?, ?)
         ON CONFLICT(timer_id) DO UPDATE SET grp = excluded.grp, run_at = excluded.run_at, job = excluded.job, deliveries = 0`,
      ),
      cancelTimer: db.prepare("DELETE FROM jobs WHERE timer_id = ? AND leased_until IS NULL"),
      due: db.prepare(`SELECT seq, job, deliveries FROM jobs j WHERE leased_until IS NULL AND run_at <= ? AND ${groupFree} ORDER BY run_at, seq LIMIT ?`),
      // Picks and leases due jobs in one statement, the first of each free group (FIFO per
      // group, like SQS FIFO); `deliveries` comes back already counted.
      lease: db.prepare(
        `UPDATE jobs SET leased_until = @now, deliveries = deliveries + 1
         WHERE seq IN (
           SELECT MIN(seq) FROM jobs j WHERE leased_until IS NULL AND run_at <= @now AND ${groupFree}
           GROUP BY COALESCE(grp, seq) ORDER BY MIN(run_at), MIN(seq) LIMIT @limit)
         RETURNING seq, job, deliveries`,
      ),
      ack: db.prepare("DELETE FROM jobs WHERE seq = ?"),
      retry: db.prepare("UPDATE jobs SET leased_until = NULL, run_at = ? WHERE seq = ?"),
      // Rows waiting for their group are not due for the alarm: the job ahead of them pumps when it ends.
      nextAt: db.prepare(`SELECT MIN(run_at) AS at FROM jobs j WHERE leased_until IS NULL AND ${groupFree}`),
      releaseAll: db.prepare("UPDATE jobs SET leased_until = NULL WHERE leased_until IS NOT NULL"),
      count: db.prepare("SELECT COUNT(*) AS n FROM jobs"),
    };
    this.upsert = db.transaction((timer: TimerRecord) => {
      this.statements.detachLeasedTimer.run(timer.id);
      this.statements.upsertTimer.run(timer.id, jobGroup(timer.job), timer.at, JSON.stringify(timer.job));
    });
  }

  private readonly upsert: (timer: TimerRecord) => void;

  async enqueue(job: Job): Promise<void> {
    this.statements.insert.run(jobId(job), jobGroup(job), this.clock.now(), JSON.stringify(job));
    this.schedulePump();
  }

  async schedule(timer: TimerRecord): Promise<void> {
    this.upsert(timer);
    if (timer.at <= this.clock.now()) this.schedulePump();
    else if (this.handler && (!this.alarm || timer.at < this.alarm.at)) this.armAlarm(timer.at);
  }

  async cancel(id: string): Promise<void> {
    this.statements.cancelTimer.run(id);
  }

  /**
   * Starts delivering jobs to `handler`. Jobs that were in flight when a previous process died
   * are handed out again, flagged as redelivered.
   */
  start(handler: JobHandler, onDrop?: DropHandler): void {
    this.handler = handler;
    this.onDrop = onDrop;
    this.statements.releaseAll.run();
    this.schedulePump();
  }

  /** Stops handing out jobs and waits for the ones in flight; queued work stays in the table. */
  async stop(): Promise<void> {
    this.handler = undefined;
    this.alarm?.cancel();
    this.alarm = undefined;
    while (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves when no job is running and none is due now (timers in the future may remain). */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.running === 0 && !this.pumpScheduled && this.dueNow().length === 0) return;
      if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Jobs and timers stored, for diagnostics. */
  size(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  private dueNow(): Row[] {
    return this.statements.due.all(this.clock.now(), 1) as Row[];
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.handler) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      try {
        this.pump();
      } catch (error) {
        // A failing store must not stop the queue for good: report it and try again shortly.
        this.observer.problem?.("job queue could not read due jobs; retrying in 1 s", error);
        this.armAlarm(this.clock.now() + 1000);
      }
    });
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    const free = this.concurrency - this.running;
    if (free <= 0) return;
    const rows = (this.statements.lease.all({ now: this.clock.now(), limit: free }) as Row[]).sort((a, b) => a.seq - b.seq);
    for (const row of rows) this.deliver(handler, row);
    if (rows.length === free) return; // more may be due; finishing jobs pump again
    this.armNextAlarm();
  }

  private deliver(handler: JobHandler, row: Row): void {
    this.running++;
    const job = JSON.parse(row.job) as Job;
    handler(job, { redelivered: row.deliveries > 1 })
      .then(
        () => this.statements.ack.run(row.seq),
        (error: unknown) => this.failed(row, job, error),
      )
      .catch((error: unknown) => this.observer.problem?.(`could not record the outcome of a ${job.type} job`, error))
      .finally(() => {
        this.running--;
        if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        this.schedulePump();
      });
  }

  /**
   * A handler threw: deliver again with backoff, so a transient fault does not lose work. After
   * the last delivery the drop handler fails the job's run, so no run is left silent.
   */
  private async failed(row: Row, job: Job, error: unknown): Promise<void> {
    const deliveries = row.deliveries;
    if (deliveries >= this.maxDeliveries) {
      try {
        if (this.onDrop) await this.onDrop(job, deliveries, error);
        else this.observer.problem?.(`dropping ${job.type} job after ${deliveries} failed deliveries: ${JSON.stringify(job)}`, error);
      } catch (dropError) {
        // Failing the run failed too (the store is likely what is down): keep the job and try
        // the drop again later, rather than leaving it leased and its group blocked.
        this.observer.problem?.(`could not fail the run of a dropped ${job.type} job; trying again`, dropError);
        this.statements.retry.run(this.clock.now() + 60_000, row.seq);
        return;
      }
      this.statements.ack.run(row.seq);
      return;
    }
    this.observer.problem?.(`${job.type} job failed (delivery ${deliveries}); retrying`, error);
    this.statements.retry.run(this.clock.now() + Math.min(60_000, 100 * 2 ** deliveries), row.seq);
  }

  private armNextAlarm(): void {
    const next = (this.statements.nextAt.get() as { at: number | null }).at;
    if (next === null) {
      this.alarm?.cancel();
      this.alarm = undefined;
      return;
    }
    if (this.alarm && this.alarm.at === next) return;
    this.armAlarm(next);
  }

  private armAlarm(at: number): void {
    this.alarm?.cancel();
    const alarm = { at, cancel: () => {} };
    alarm.cancel = this.clock.setAlarm(at, () => {
      if (this.alarm === alarm) this.alarm = undefined;
      this.schedulePump();
    });
    this.alarm = alarm;
  }
}
