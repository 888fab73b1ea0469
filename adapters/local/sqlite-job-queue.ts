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

/** A due row, before it is leased. */
interface Candidate {
  seq: number;
  grp: string | null;
}

interface Row extends Candidate {
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
  /** Groups with a job running now: the database is this process's alone, so memory knows. */
  private readonly busyGroups = new Set<string>();
  /**
   * Groups whose first job failed and waits for its retry: it keeps its place, so no later job
   * of the group overtakes it (as in an SQS FIFO group, where a failed message blocks its group).
   * Held in memory: after a restart every job is handed out again in order anyway.
   */
  private readonly heldGroups = new Map<string, number>();
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
      // Bodies are read only for the rows leased: many due rows may be waiting behind their group.
      due: db.prepare("SELECT seq, grp FROM jobs WHERE leased_until IS NULL AND run_at <= ? ORDER BY run_at, seq LIMIT ?"),
      lease: db.prepare("UPDATE jobs SET leased_until = ?, deliveries = deliveries + 1 WHERE seq = ? RETURNING job, deliveries"),
      ack: db.prepare("DELETE FROM jobs WHERE seq = ?"),
      retry: db.prepare("UPDATE jobs SET leased_until = NULL, run_at = ? WHERE seq = ?"),
      // Only future work arms the alarm: due rows are pumped now, or (waiting for their group)
      // when the job ahead of them ends.
      nextAt: db.prepare("SELECT MIN(run_at) AS at FROM jobs WHERE leased_until IS NULL AND run_at > ?"),
      releaseAll: db.prepare("UPDATE jobs SET leased_until = NULL WHERE leased_until IS NOT NULL"),
      count: db.prepare("SELECT COUNT(*) AS n FROM jobs"),
      exists: db.prepare("SELECT 1 AS found FROM jobs WHERE seq = ?"),
    };
    this.leaseRows = db.transaction((rows: Candidate[], now: number): Row[] =>
      rows.map((row) => ({ ...row, ...(this.statements.lease.get(now, row.seq) as { job: string; deliveries: number }) })),
    );
    this.upsert = db.transaction((timer: TimerRecord) => {
      this.statements.detachLeasedTimer.run(timer.id);
      this.statements.upsertTimer.run(timer.id, jobGroup(timer.job), timer.at, JSON.stringify(timer.job));
    });
  }

  private readonly upsert: (timer: TimerRecord) => void;
  private readonly leaseRows: (rows: Candidate[], now: number) => Row[];

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
      if (this.running === 0 && !this.pumpScheduled && this.startable(1).length === 0) return;
      if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Jobs and timers stored, for diagnostics. */
  size(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  /**
   * Up to `limit` due jobs that may start now: the first due job of each group whose previous
   * job has ended and that no failed job holds (FIFO per group, like SQS FIFO). Rows waiting
   * behind a running or held job of their group are skipped; there is at most one such row per
   * running or held job, so reading that many more finds every startable one.
   */
  private startable(limit: number): Candidate[] {
    const candidates = this.statements.due.all(this.clock.now(), limit + this.busyGroups.size + this.heldGroups.size + 16) as Candidate[];
    const picked: Candidate[] = [];
    const taken = new Set<string>();
    for (const row of candidates) {
      if (picked.length === limit) break;
      if (row.grp !== null && (this.busyGroups.has(row.grp) || taken.has(row.grp))) continue;
      const held = row.grp === null ? undefined : this.heldGroups.get(row.grp);
      if (held !== undefined && held !== row.seq) {
        // The held job may be gone (a cancelled timer, a replaced one): then the group is free.
        if (this.statements.exists.get(held)) continue;
        this.heldGroups.delete(row.grp as string);
      }
      if (row.grp !== null) taken.add(row.grp);
      picked.push(row);
    }
    return picked;
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
    const picked = this.startable(free);
    for (const row of this.leaseRows(picked, this.clock.now())) this.deliver(handler, row);
    if (picked.length === free) return; // more may be due; finishing jobs pump again
    this.armNextAlarm();
  }

  private deliver(handler: JobHandler, row: Row): void {
    this.running++;
    if (row.grp !== null) {
      this.busyGroups.add(row.grp);
      this.heldGroups.delete(row.grp);
    }
    const job = JSON.parse(row.job) as Job;
    handler(job, { redelivered: row.deliveries > 1 })
      .then(
        () => this.statements.ack.run(row.seq),
        (error: unknown) => this.failed(row, job, error),
      )
      .catch((error: unknown) => this.observer.problem?.(`could not record the outcome of a ${job.type} job`, error))
      .finally(() => {
        this.running--;
        if (row.grp !== null) this.busyGroups.delete(row.grp);
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
        if (row.grp !== null) this.heldGroups.set(row.grp, row.seq);
        return;
      }
      this.statements.ack.run(row.seq);
      return;
    }
    this.observer.problem?.(`${job.type} job failed (delivery ${deliveries}); retrying`, error);
    this.statements.retry.run(this.clock.now() + Math.min(60_000, 100 * 2 ** deliveries), row.seq);
    if (row.grp !== null) this.heldGroups.set(row.grp, row.seq);
  }

  private armNextAlarm(): void {
    const next = (this.statements.nextAt.get(this.clock.now()) as { at: number | null }).at;
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
