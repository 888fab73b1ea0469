import { describe, expect } from "@jest/globals";
import { jobId, type Job } from "../../core";
import { aWake, byId, oneOfEachJob, stepOf, ulidLike } from "./job-fixtures";
import { eventually, gapAwareIt, pause, recorder, withBed, type ContractOptions, type MakeBed, type QueueBed } from "./queue-bed";

/** The RunQueue contract's tests, by key (for `knownGaps`). */
export type RunQueueTest =
  | "exact-body"
  | "dedup-while-queued"
  | "distinct-ids"
  | "group-order"
  | "group-self-enqueue"
  | "redeliver-on-reject"
  | "ack-on-resolve"
  | "failed-keeps-place";

/**
 * Behaviour every RunQueue must have (SQLite locally, SQS FIFO on AWS): delivery of the exact
 * job, deduplication by `jobId`, one job at a time per `jobGroup` in enqueue order, and at-least
 * once delivery (a rejected job comes back, flagged). Call from an adapter's test with a factory
 * of fresh beds.
 */
export function describeRunQueueContract(name: string, make: MakeBed<QueueBed>, options: ContractOptions<RunQueueTest> = {}): void {
  const test = gapAwareIt(options);

  describe(`${name}: RunQueue contract`, () => {
    test("exact-body", "delivers every enqueued job once, with its exact body, not flagged redelivered", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const jobs = oneOfEachJob();
        for (const job of jobs) await bed.queue.enqueue(job);
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        expect(byId(received.map((r) => r.job))).toEqual(byId(jobs));
        expect(received.filter((r) => r.redelivered)).toEqual([]);
      }),
    );

    test("dedup-while-queued", "delivers a job enqueued twice under one id while it is queued only once", () =>
      withBed(make, async (bed) => {
        const job = aWake("dup", "s");
        await bed.queue.enqueue(job);
        await bed.queue.enqueue({ ...job });
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => r.job)).toEqual([job]);
      }),
    );

    test("distinct-ids", "delivers jobs that differ only in attempt, position or tick: their ids differ", () =>
      withBed(make, async (bed) => {
        const runId = ulidLike("retry");
        const jobs: Job[] = [
          { type: "call", runId, attempt: 0, position: 1 },
          { type: "call", runId, attempt: 1, position: 1 },
          { type: "call", runId, attempt: 0, position: 2 },
          { type: "cron", functionId: "app-fn", cron: "* * * * *", at: 60_000 },
          { type: "cron", functionId: "app-fn", cron: "* * * * *", at: 120_000 },
        ];
        expect(new Set(jobs.map(jobId)).size).toBe(jobs.length);
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        for (const job of jobs) await bed.queue.enqueue(job);
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        expect(byId(received.map((r) => r.job))).toEqual(byId(jobs));
      }),
    );

    test("group-order", "hands out one job of a group at a time, in enqueue order, while other groups run", () =>
      withBed(make, async (bed) => {
        const group = ["a1", "a2", "a3", "a4"].map((step) => aWake("a", step));
        const log: string[] = [];
        let otherGroupRan = false;
        bed.consume(async (job) => {
          const label = stepOf(job);
          log.push(`start ${label}`);
          // a1 holds its group until a job of another group has run beside it.
          if (label === "a1") otherGroupRan = await eventually(bed.timing, () => log.includes("end b1"));
          // Every job of the group stays busy long enough for a wrongly released next one to start.
          if (label !== "b1") await pause(bed.timing.latency);
          log.push(`end ${label}`);
        });
        for (const job of [...group, aWake("b", "b1")]) await bed.queue.enqueue(job);
        await bed.advance(0);
        expect(log.filter((entry) => / a\d$/.test(entry))).toEqual(group.flatMap((job) => [`start ${stepOf(job)}`, `end ${stepOf(job)}`]));
        expect(otherGroupRan).toBe(true);
      }),
    );

    test("group-self-enqueue", "delivers a job a handler enqueues into its own group after that handler settled", () =>
      withBed(make, async (bed) => {
        const log: string[] = [];
        bed.consume(async (job) => {
          const label = stepOf(job);
          log.push(`start ${label}`);
          if (label === "first") {
            await bed.queue.enqueue(aWake("self", "next"));
            await pause(bed.timing.latency);
          }
          log.push(`end ${label}`);
        });
        await bed.queue.enqueue(aWake("self", "first"));
        await bed.advance(0);
        await bed.advance(0);
        expect(log).toEqual(["start first", "end first", "start next", "end next"]);
      }),
    );

    test("redeliver-on-reject", "delivers a job whose handler rejected again, flagged redelivered, until it is handled", () =>
      withBed(make, async (bed) => {
        const flaky = aWake("flaky", "s");
        let failures = 0;
        const { received, handler } = recorder(bed, async (job) => {
          if (jobId(job) === jobId(flaky) && failures++ === 0) throw new Error("transient fault");
        });
        bed.consume(handler);
        await bed.queue.enqueue(flaky);
        await bed.queue.enqueue(aWake("steady", "s"));
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        await bed.advance(bed.timing.redelivery);
        const of = (run: string) => received.filter((r) => r.job.type === "wake" && r.job.runId === ulidLike(run));
        expect(of("flaky").map((r) => [r.job, r.redelivered])).toEqual([
          [flaky, false],
          [flaky, true],
        ]);
        expect(of("steady").map((r) => r.redelivered)).toEqual([false]);
      }),
    );

    test("ack-on-resolve", "does not deliver again a job whose handler resolved", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        await bed.queue.enqueue(aWake("once", "s"));
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        await bed.advance(bed.timing.redelivery);
        expect(received).toHaveLength(1);
      }),
    );

    test("failed-keeps-place", "keeps a rejected job's place in its group: later jobs of the group wait for it", () =>
      withBed(make, async (bed) => {
        let failures = 0;
        const { received, handler } = recorder(bed, async (job) => {
          if (stepOf(job) === "first" && failures++ === 0) throw new Error("transient fault");
        });
        bed.consume(handler);
        await bed.queue.enqueue(aWake("ordered", "first"));
        await bed.queue.enqueue(aWake("ordered", "second"));
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => stepOf(r.job))).toEqual(["first", "first", "second"]);
        expect(received.slice(0, 2).map((r) => r.redelivered)).toEqual([false, true]);
        // `second` may come flagged redelivered: SQS hands a FIFO group out in batches and counts
        // a receive for every message of the batch, also for one returned unhandled behind the
        // failed one. A false flag only costs a convergence pass; a missing one would be a bug.
      }),
    );
  });
}
