import { VirtualClock } from "../../core";
import { describeEventBusContract, describeRunQueueContract, describeTimersContract, type EventBusBed, type QueueBed } from "../contract";
import { QueueEventBus } from "./queue-event-bus";
import { openDatabase } from "./sqlite/database";
import { SqliteJobQueue } from "./sqlite-job-queue";

const T0 = Date.parse("2026-01-01T00:00:00Z");

/** The local queue on an in-memory database and a virtual clock: time moves only when the suite says. */
function localQueue() {
  const db = openDatabase(":memory:");
  const clock = new VirtualClock(T0);
  // Enough deliveries that no contract test reaches the drop; backoff tops out at 60 s.
  const queue = new SqliteJobQueue(db, clock, {}, { concurrency: 8, maxDeliveries: 100 });
  /**
   * `idle()` waits for due jobs to be handed out; a queue that stopped handing them out would
   * keep it waiting forever, so fail with a reason instead of a jest timeout.
   */
  const settle = async () => {
    const idle = queue.idle();
    idle.catch(() => undefined); // it rejects once the database is closed; nobody waits for it then
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the queue did not settle within 5 s: due jobs are not being handed out")), 5000);
    });
    try {
      await Promise.race([idle, stuck]);
    } finally {
      clearTimeout(timer);
    }
  };
  const close = async () => {
    await queue.stop();
    db.close();
  };
  return { clock, queue, settle, close };
}

/** Virtual time is exact: timers fire at `at` to the millisecond, and the first redelivery comes 200 ms after a failure. */
function queueBed(): QueueBed {
  const { clock, queue, settle, close } = localQueue();
  return {
    queue,
    timers: queue,
    timing: { precision: 1000, tolerance: 0, redelivery: 60_000, latency: 20 },
    now: () => clock.now(),
    consume: (handler) => queue.start(handler),
    advance: async (ms) => {
      clock.advance(ms);
      await settle();
    },
    close,
  };
}

/** The local bus enqueues a `route` job per event; the router's input is those jobs. */
function eventBusBed(): EventBusBed {
  const { queue, settle, close } = localQueue();
  return {
    bus: new QueueEventBus(queue),
    observe: (routed) =>
      queue.start(async (job) => {
        if (job.type === "route") routed(job.eventId);
      }),
    settle,
    close,
  };
}

// Divergences from what an SQS-backed queue does, reported with these suites; each turns red
// once the local queue is changed to match, and then leaves this list.
describeRunQueueContract("sqlite job queue", queueBed, {
  // A failed job goes back with a backoff and the next job of its group overtakes it.
  knownGaps: [],
});
describeTimersContract("sqlite job queue", queueBed, {
  // One `jobs` table holds queued jobs and timers under one unique id, so timer calls act on
  // queued jobs of the same id and an enqueue is swallowed by a pending timer of that id.
  knownGaps: ["enqueue-beside-timer", "schedule-beside-queued", "cancel-spares-queued", "cancel-spares-fired-retry", "reschedule-spares-fired-retry"],
});
describeEventBusContract("queue event bus", eventBusBed);
