import { describe, expect } from "@jest/globals";
import { jobId, type Job } from "../../core";
import { aWake } from "./job-fixtures";
import { advanceTo, recorder, withBed, type MakeBed, type QueueBed, type Received } from "./queue-bed";

/** Tests of timers beside the run queue, by key (part of `TimersTest`). */
export type TimersBesideQueueTest =
  | "enqueue-beside-timer"
  | "schedule-beside-queued"
  | "cancel-spares-queued"
  | "cancel-spares-fired-retry"
  | "reschedule-spares-fired-retry";

type Test = (key: TimersBesideQueueTest, title: string, test: () => Promise<void>) => void;

const deliveriesOf = (received: Received[], job: Job) => received.filter((r) => jobId(r.job) === jobId(job)).map((r) => r.redelivered);

/**
 * The engine names a run's timers by the id of the job they fire (`jobId`), the same id the run
 * queue deduplicates by. Timer ids and queued jobs are still two namespaces: a timer only ever
 * acts on its own pending firing, never on a job in the queue, and once it fired its job is the
 * queue's (on AWS the queue is SQS and a sent message cannot be recalled or rewritten; a timer
 * firing must also not be swallowed by the queue's deduplication of an earlier job).
 */
export function describeTimersBesideQueue(make: MakeBed<QueueBed>, test: Test): void {
  describe("beside the run queue", () => {
    test("enqueue-beside-timer", "delivers at once a job enqueued while a timer of the same id is pending, and still fires the timer", () =>
      withBed(make, async (bed) => {
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        const job = aWake("beside", "nap");
        const at = bed.now() + 5 * bed.timing.precision + bed.timing.tolerance;
        await bed.timers.schedule({ id: jobId(job), at, job });
        await bed.queue.enqueue(job);
        await bed.advance(0);
        expect(received.filter((r) => r.at < at).map((r) => r.job)).toEqual([job]);
        await advanceTo(bed, at + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => r.job)).toEqual([job, job]);
        expect(received[1]?.at).toBeGreaterThanOrEqual(at);
      }),
    );

    test("schedule-beside-queued", "neither delays nor replaces a queued job when a timer is scheduled under its id", () =>
      withBed(make, async (bed) => {
        const job = aWake("queued", "s");
        await bed.queue.enqueue(job);
        const at = bed.now() + 5 * bed.timing.precision + bed.timing.tolerance;
        await bed.timers.schedule({ id: jobId(job), at, job });
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        await bed.advance(0);
        expect(received.filter((r) => r.at < at).map((r) => r.job)).toEqual([job]);
        await advanceTo(bed, at + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => r.job)).toEqual([job, job]);
      }),
    );

    test("cancel-spares-queued", "does not withdraw a queued job when a timer of the same id is cancelled", () =>
      withBed(make, async (bed) => {
        const job = aWake("spared", "s");
        await bed.queue.enqueue(job);
        await bed.timers.cancel(jobId(job));
        const { received, handler } = recorder(bed);
        bed.consume(handler);
        await bed.advance(0);
        await bed.advance(bed.timing.redelivery);
        expect(received.map((r) => r.job)).toEqual([job]);
      }),
    );

    test("cancel-spares-fired-retry", "does not withdraw a fired timer's job that awaits redelivery when the timer is cancelled", () =>
      withBed(make, async (bed) => {
        const job = aWake("retried", "s");
        let failures = 0;
        const { received, handler } = recorder(bed, async () => {
          if (failures++ === 0) throw new Error("transient fault");
        });
        bed.consume(handler);
        const at = bed.now() + bed.timing.precision;
        await bed.timers.schedule({ id: jobId(job), at, job });
        await advanceTo(bed, at + bed.timing.tolerance);
        expect(deliveriesOf(received, job)).toEqual([false]);
        await bed.timers.cancel(jobId(job));
        await bed.advance(bed.timing.redelivery);
        await bed.advance(bed.timing.redelivery);
        expect(deliveriesOf(received, job)).toEqual([false, true]);
      }),
    );

    test("reschedule-spares-fired-retry", "keeps a fired timer's job that awaits redelivery when the id is scheduled again", () =>
      withBed(make, async (bed) => {
        const first = aWake("first", "s");
        const second = aWake("second", "s");
        let failures = 0;
        const { received, handler } = recorder(bed, async (job) => {
          if (jobId(job) === jobId(first) && failures++ === 0) throw new Error("transient fault");
        });
        bed.consume(handler);
        const at = bed.now() + bed.timing.precision;
        await bed.timers.schedule({ id: "debounce.reused", at, job: first });
        await advanceTo(bed, at + bed.timing.tolerance);
        expect(deliveriesOf(received, first)).toEqual([false]);
        const next = bed.now() + 3 * bed.timing.precision + bed.timing.tolerance;
        await bed.timers.schedule({ id: "debounce.reused", at: next, job: second });
        await bed.advance(bed.timing.redelivery);
        await advanceTo(bed, next + bed.timing.tolerance);
        await bed.advance(bed.timing.redelivery);
        expect(deliveriesOf(received, first)).toEqual([false, true]);
        expect(deliveriesOf(received, second)).toEqual([false]);
        expect(received.find((r) => jobId(r.job) === jobId(second))?.at).toBeGreaterThanOrEqual(next);
      }),
    );
  });
}
