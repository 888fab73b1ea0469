import { expect, it } from "@jest/globals";
import type { Delivery, Job, RunQueue, Timers } from "../../core";

/**
 * How time behaves in a test bed, so one suite can run on a virtual clock in an instant and on
 * real queues (SQS, Scheduler) in real time. Durations are milliseconds of the bed's clock
 * unless said otherwise.
 */
export interface BedTiming {
  /**
   * The smallest delay the timers tell apart: the suite spaces distinct times at least this far
   * apart. SQS `DelaySeconds` counts whole seconds, so an SQS bed says 1000.
   */
  precision: number;
  /**
   * How late after its `at` a timer's job may reach the handler (rounding, polling, a Scheduler
   * hand-off). A timer never fires before `at`; it must have fired by `at + tolerance`.
   */
  tolerance: number;
  /**
   * How long after a handler rejected a job the job comes back at the latest (local: the
   * queue's backoff; SQS: the visibility timeout plus a poll). The suite also waits this long
   * before it concludes that an acknowledged job is not delivered again.
   */
  redelivery: number;
  /**
   * Real milliseconds within which a job that may be delivered now reaches a free handler. The
   * suite waits this long, while a handler of its own is still running, before it concludes
   * that another job was held back.
   */
  latency: number;
}

/** Handles one delivered job; a rejection asks for the job to be delivered again later. */
export type JobHandler = (job: Job, delivery: Delivery) => Promise<void>;

/**
 * A run queue and its timers with a consumer attached: what the RunQueue and Timers contracts
 * need, since the ports themselves only produce. Locally one `SqliteJobQueue` on a
 * `VirtualClock`; on AWS an SQS FIFO queue, the timers (Scheduler, SQS delay queue) and a poller.
 * Every bed is fresh: no jobs, no timers, and no deduplication memory (tests reuse job ids, and
 * SQS FIFO remembers them for 5 minutes per queue).
 */
export interface QueueBed {
  /** The port under test: work to do now. */
  readonly queue: RunQueue;
  /** The port under test: work to do later. Its jobs reach the same consumer as the queue's. */
  readonly timers: Timers;
  /** What the suite may expect of the bed's timing. */
  readonly timing: BedTiming;
  /** The bed's clock (epoch ms): timers are scheduled relative to it and deliveries stamped by it. */
  now(): number;
  /**
   * For a real-time bed, where its clock last jumped to: `now()` less the real time the clock ran
   * on its own since. A delivery is late only if the bed had jumped past its window before it
   * came; real time a loaded machine spent getting it there is not the adapter's lateness (a CI
   * run with both workers busy once stalled a delivery 6 s). A virtual clock leaves it out: its
   * `now()` only moves by jumps.
   */
  landing?(): number;
  /**
   * Starts handing every delivered job to `handler`: jobs enqueued and timers fired alike, with
   * `redelivered` set when the job was handed out before and not acknowledged. The job is
   * acknowledged when the handler resolves. Called once per bed, before or after the first
   * jobs are enqueued: what was enqueued before is kept and delivered once consuming starts.
   */
  consume(handler: JobHandler): void;
  /**
   * Moves the bed's clock forward by `ms` (a virtual clock jumps, a real-time bed sleeps), then
   * resolves once every job due by then was delivered and the handlers settled; a real-time bed
   * allows for its `latency`. The suite calls it while no handler waits on the suite.
   */
  advance(ms: number): Promise<void>;
  /** Stops consuming and frees what the bed holds. */
  close(): Promise<void>;
}

/** Makes a fresh bed for one test. */
export type MakeBed<Bed> = () => Promise<Bed> | Bed;

/** Options every queue-side contract accepts. */
export interface ContractOptions<Gap extends string> {
  /**
   * Tests the adapter is known to fail, each one a filed divergence. They run as `it.failing`:
   * they stay visible, keep the run green, and turn red once the adapter is fixed, which is the
   * cue to drop the entry.
   */
  knownGaps?: readonly Gap[];
  /** Real milliseconds a test may take: raise it for beds on real services. @default jest's */
  timeoutMs?: number;
}

/** One job as the handler saw it, stamped with the bed's clock. */
export interface Received {
  job: Job;
  redelivered: boolean;
  /** The bed's `now()` when it came. */
  at: number;
  /** The bed's `landing()` when it came (its `now()` on a virtual clock). */
  landing: number;
}

/** A handler that records every delivery, optionally doing more (`then`) after recording it. */
export function recorder(bed: Pick<QueueBed, "now" | "landing">, then?: JobHandler): { received: Received[]; handler: JobHandler } {
  const received: Received[] = [];
  const handler: JobHandler = async (job, delivery) => {
    const at = bed.now();
    received.push({ job, redelivered: delivery.redelivered, at, landing: bed.landing?.() ?? at });
    await then?.(job, delivery);
  };
  return { received, handler };
}

/** Moves the bed's clock to `at` (or just lets due work run, when the clock is already there). */
export async function advanceTo(bed: QueueBed, at: number): Promise<void> {
  await bed.advance(Math.max(0, at - bed.now()));
}

/**
 * Checks that a delivery came in its timer's window: not before `at` by the clock, and before
 * the bed's time had jumped past `at` + tolerance (see `QueueBed.landing`).
 */
export function expectInWindow(bed: QueueBed, received: Received | undefined, at: number): void {
  expect(received).toBeDefined();
  expect(received?.at).toBeGreaterThanOrEqual(at);
  expect(received?.landing).toBeLessThanOrEqual(at + bed.timing.tolerance);
}

/** Runs `test` on a fresh bed and closes the bed however the test ends. */
export async function withBed<Bed extends { close(): Promise<void> }>(make: MakeBed<Bed>, test: (bed: Bed) => Promise<void>): Promise<void> {
  const bed = await make();
  try {
    await test(bed);
  } finally {
    await bed.close();
  }
}

/** Waits `ms` real milliseconds. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` in real time until it holds (true) or the bed's patience runs out (false):
 * for waiting inside a handler, where `advance` cannot be used.
 */
export async function eventually(timing: BedTiming, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + Math.max(1000, 10 * timing.latency);
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await pause(2);
  }
  return true;
}

/**
 * `it`, run as `it.failing` when the test's key is among the known gaps, with the contract's
 * timeout. Every test has a key, so any adapter can name the tests it cannot pass yet.
 */
export function gapAwareIt<Gap extends string>(options: ContractOptions<Gap>) {
  return (key: Gap, title: string, test: () => Promise<void>): void => {
    if ((options.knownGaps ?? []).includes(key)) it.failing(`${title} (known gap: ${key})`, test, options.timeoutMs);
    else it(title, test, options.timeoutMs);
  };
}
