import { describe, expect } from "@jest/globals";
import { jobId, stableHash, type Job } from "../../core";
import { aWake, byId, ulidLike } from "./job-fixtures";
import { advanceTo, expectInWindow, gapAwareIt, recorder, withBed, type ContractOptions, type MakeBed, type QueueBed } from "./queue-bed";
import { describeTimersBesideQueue, type TimersBesideQueueTest } from "./timers-beside-queue.contract";

/** The Timers contract's tests, by key (for `knownGaps`). */
export type TimersTest =
  | "fires-in-window"
  | "past-due-fires-promptly"
  | "replace-later"
  | "replace-earlier"
  | "cancel-before-fire"
  | "cancel-unknown-or-fired"
  | "time-order"
  | "engine-ids"
  | "reuse-after-fire"
  | TimersBesideQueueTest;

/**
 * Behaviour every Timers must have (SQLite locally; Scheduler and an SQS delay queue on AWS):
 * a timer's job is delivered once, not before `at` and by `at` + the bed's tolerance; a timer
 * is replaced and cancelled by id; a fired timer is out of the timers' hands. Timers deliver
 * through the bed's consumer, like the run queue.
 */
export function describeTimersContract(name: string, make: MakeBed<QueueBed>, options: ContractOptions<TimersTest> = {}): void {
  const test = gapAwareIt(options);

  describe(`${name}: Timers contract`, () => {
    test("fires-in-window", "fires a timer's exact job once, not before `at` and by `at` + tolerance", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const job = aWake("window", "nap");
        const at = bed.now() + 5 * bed.timing.precision;
        await bed.timers.schedule({ id: jobId(job), at, job });
        await advanceTo(bed, at - 1);
        expect(received.filter((r) => r.at < at)).toEqual([]);
        await advanceTo(bed, at + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => [r.job, r.redelivered])).toEqual([[job, false]]);
        expectInWindow(bed, received[0], at);
      }),
    );

    test("past-due-fires-promptly", "fires a timer whose `at` is now or already past promptly", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const scheduledAt = bed.now();
        const past = aWake("past", "s");
        const now = aWake("now", "s");
        await bed.timers.schedule({ id: jobId(past), at: scheduledAt - 60 * bed.timing.precision, job: past });
        await bed.timers.schedule({ id: jobId(now), at: scheduledAt, job: now });
        await bed.advance(bed.timing.tolerance);
        expect(byId(received.map((r) => r.job))).toEqual(byId([past, now]));
        for (const r of received) expectInWindow(bed, r, scheduledAt);
      }),
    );

    test("replace-later", "replaces a timer scheduled again under its id with a later time and another job", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const p = bed.timing.precision;
        const first = bed.now() + 3 * p;
        const second = first + 3 * p + bed.timing.tolerance;
        await bed.timers.schedule({ id: "debounce.replaced", at: first, job: aWake("old", "s") });
        await bed.timers.schedule({ id: "debounce.replaced", at: second, job: aWake("new", "s") });
        await advanceTo(bed, second - 1);
        expect(received.filter((r) => r.at < second)).toEqual([]);
        await advanceTo(bed, second + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => r.job)).toEqual([aWake("new", "s")]);
        expectInWindow(bed, received[0], second);
      }),
    );

    test("replace-earlier", "replaces a timer scheduled again under its id with an earlier time and another job", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const p = bed.timing.precision;
        const second = bed.now() + 2 * p;
        const first = second + 4 * p + bed.timing.tolerance;
        await bed.timers.schedule({ id: "debounce.moved", at: first, job: aWake("old", "s") });
        await bed.timers.schedule({ id: "debounce.moved", at: second, job: aWake("new", "s") });
        await advanceTo(bed, second + bed.timing.tolerance);
        expect(received.map((r) => r.job)).toEqual([aWake("new", "s")]);
        expectInWindow(bed, received[0], second);
        // The old time passes without a firing (on AWS a delayed message may still arrive: it must be dropped).
        await advanceTo(bed, first + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received).toHaveLength(1);
      }),
    );

    test("cancel-before-fire", "never fires a timer cancelled before its time, and fires the others", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const at = bed.now() + 2 * bed.timing.precision;
        const kept = aWake("kept", "s");
        await bed.timers.schedule({ id: "cancelled", at, job: aWake("cancelled", "s") });
        await bed.timers.schedule({ id: "kept", at, job: kept });
        await bed.timers.cancel("cancelled");
        await advanceTo(bed, at + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => r.job)).toEqual([kept]);
      }),
    );

    test("cancel-unknown-or-fired", "treats cancelling an unknown id, a firing one or a fired one as a no-op", () =>
      withBed(make, async (bed) => {
        const job = aWake("fired", "s");
        const { received, handler } = recorder(bed, async () => {
          await bed.timers.cancel(jobId(job)); // while its own job is being handled
        });
        bed.consume(handler);
        await expect(bed.timers.cancel("never.scheduled")).resolves.toBeUndefined();
        const at = bed.now() + bed.timing.precision;
        const later = aWake("later", "s");
        await bed.timers.schedule({ id: jobId(job), at, job });
        await bed.timers.schedule({ id: jobId(later), at: at + 3 * bed.timing.precision + bed.timing.tolerance, job: later });
        await advanceTo(bed, at + bed.timing.tolerance);
        await expect(bed.timers.cancel(jobId(job))).resolves.toBeUndefined();
        await bed.timers.cancel("never.scheduled");
        await advanceTo(bed, at + 3 * bed.timing.precision + 2 * bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => [r.job, r.redelivered])).toEqual([
          [job, false],
          [later, false],
        ]);
      }),
    );

    test("time-order", "fires many timers, scheduled in any order before consuming began, in time order and each in its window", () =>
      withBed(make, async (bed) => {
        const spacing = bed.timing.precision + bed.timing.tolerance;
        const base = bed.now();
        const count = 12;
        const timers = Array.from({ length: count }, (_, k) => ({ id: `order.${k}`, at: base + (k + 1) * spacing, job: aWake(`t${k}`, "s") }));
        // A fixed shuffle (5 and 12 are coprime, so k * 5 % 12 visits every timer once), scheduled
        // before the consumer starts, as after a restart with timers pending.
        for (let k = 0; k < count; k++) await bed.timers.schedule(timers[(k * 5) % count]!);
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        for (const timer of timers) await advanceTo(bed, timer.at);
        await bed.advance(bed.timing.tolerance);
        expect(received.map((r) => r.job)).toEqual(timers.map((t) => t.job));
        received.forEach((r, k) => expectInWindow(bed, r, timers[k]!.at));
      }),
    );

    test("engine-ids", "accepts the ids the engine names its timers by, for every kind of timer job", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const cron: Job = { type: "cron", functionId: "app-fn", cron: "0 9 * * MON-FRI", at: Date.UTC(2026, 0, 5, 9) };
        const jobs: Job[] = [
          { type: "call", runId: ulidLike("retry"), stepId: "step ü ✓", attempt: 3 },
          { type: "call", runId: ulidLike("disco"), attempt: 1, position: 7 },
          { type: "wake", runId: ulidLike("sleep"), stepId: "nap for a week" },
          { type: "wait-timeout", runId: ulidLike("wait"), stepId: "approval" },
          { type: "run-timeout", runId: ulidLike("timeout"), kind: "start" },
          { type: "debounce", functionId: "app-fn", key: "user-42 ✓" },
          { type: "batch", functionId: "app-fn", key: "acct-7", batchId: ulidLike("batch") },
          { type: "concurrency-recheck", key: "fn:app-fn:acct-1" },
        ];
        const at = bed.now() + bed.timing.precision;
        // Cron timers are named per trigger (as core's cronTimerId does), the rest by job id.
        await bed.timers.schedule({ id: `cron.${stableHash(["app-fn", "0 9 * * MON-FRI"], 40)}`, at, job: cron });
        for (const job of jobs) await bed.timers.schedule({ id: jobId(job), at, job });
        await advanceTo(bed, at + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(byId(received.map((r) => r.job))).toEqual(byId([cron, ...jobs]));
      }),
    );

    test("reuse-after-fire", "fires a timer id scheduled again after it fired, also from its own job's handler", () =>
      withBed(make, async (bed) => {
        // A concurrency recheck reschedules itself under the same id with the same job.
        const job: Job = { type: "concurrency-recheck", key: "fn:app-fn" };
        const id = jobId(job);
        const gap = 2 * bed.timing.precision + bed.timing.tolerance;
        const ats: number[] = [bed.now() + bed.timing.precision];
        const { received, handler } = recorder(bed, async () => {
          if (ats.length === 1) {
            ats.push(bed.now() + gap);
            await bed.timers.schedule({ id, at: ats[1]!, job });
          }
        });
        bed.consume(handler);
        await bed.timers.schedule({ id, at: ats[0]!, job });
        await advanceTo(bed, ats[0]! + bed.timing.tolerance);
        expect(received).toHaveLength(1);
        await advanceTo(bed, ats[1]! + bed.timing.tolerance);
        expect(received).toHaveLength(2);
        ats.push(bed.now() + bed.timing.precision);
        await bed.timers.schedule({ id, at: ats[2]!, job });
        await advanceTo(bed, ats[2]! + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => [r.job, r.redelivered])).toEqual([
          [job, false],
          [job, false],
          [job, false],
        ]);
        received.forEach((r, k) => expectInWindow(bed, r, ats[k]!));
      }),
    );

    describeTimersBesideQueue(make, test);
  });
}
