import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualClock, type Delivery, type Job } from "../../core";
import { openDatabase } from "./sqlite/database";
import { SqliteJobQueue } from "./sqlite-job-queue";

const wake = (runId: string): Job => ({ type: "wake", runId, stepId: "s" });
const T0 = Date.parse("2026-01-01T00:00:00Z");

function setup(path = ":memory:") {
  const db = openDatabase(path);
  const clock = new VirtualClock(T0);
  const queue = new SqliteJobQueue(db, clock);
  const seen: Array<{ job: Job; delivery: Delivery; at: number }> = [];
  return { db, clock, queue, seen, record: async (job: Job, delivery: Delivery) => void seen.push({ job, delivery, at: clock.now() }) };
}

describe("SqliteJobQueue", () => {
  it("delivers enqueued jobs at once and forgets them once handled", async () => {
    const { queue, seen, record } = setup();
    queue.start(record);
    await queue.enqueue(wake("a"));
    await queue.enqueue(wake("b"));
    await queue.idle();
    expect(seen.map((s) => (s.job as { runId: string }).runId)).toEqual(["a", "b"]);
    expect(seen.every((s) => !s.delivery.redelivered)).toBe(true);
    expect(queue.size()).toBe(0);
  });

  it("fires timers when the clock reaches them, not before, replacing and cancelling by id", async () => {
    const { queue, clock, seen, record } = setup();
    queue.start(record);
    await queue.schedule({ id: "t1", at: T0 + 60_000, job: wake("late") });
    await queue.schedule({ id: "t2", at: T0 + 1_000, job: wake("cancelled") });
    await queue.schedule({ id: "t3", at: T0 + 5_000, job: wake("replaced") });
    await queue.schedule({ id: "t3", at: T0 + 30_000, job: wake("replacement") });
    await queue.cancel("t2");
    clock.advance(29_999);
    await queue.idle();
    expect(seen).toEqual([]);
    clock.advance(1);
    await queue.idle();
    expect(seen.map((s) => [(s.job as { runId: string }).runId, s.at - T0])).toEqual([["replacement", 30_000]]);
    clock.advance(30_000);
    await queue.idle();
    expect(seen.map((s) => (s.job as { runId: string }).runId)).toEqual(["replacement", "late"]);
  });

  it("arms an earlier alarm when a sooner timer is scheduled after a later one", async () => {
    const { queue, clock, seen, record } = setup();
    queue.start(record);
    await queue.schedule({ id: "far", at: T0 + 3_600_000, job: wake("far") });
    await queue.idle();
    await queue.schedule({ id: "near", at: T0 + 10, job: wake("near") });
    clock.advance(10);
    await queue.idle();
    expect(seen.map((s) => (s.job as { runId: string }).runId)).toEqual(["near"]);
  });

  it("delivers a failed job again after a backoff, flagged as redelivered", async () => {
    const { queue, clock, seen } = setup();
    let failures = 0;
    queue.start(async (job, delivery) => {
      seen.push({ job, delivery, at: clock.now() });
      if (failures++ === 0) throw new Error("transient");
    });
    await queue.enqueue(wake("x"));
    await queue.idle();
    expect(seen).toHaveLength(1);
    clock.advance(60_000);
    await queue.idle();
    expect(seen.map((s) => s.delivery.redelivered)).toEqual([false, true]);
    expect(queue.size()).toBe(0);
  });

  it("hands out again, as redelivered, a job whose process died while handling it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ferry-queue-")), "q.db");
    const first = setup(path);
    first.queue.start(() => new Promise<void>(() => {})); // never finishes: the process "dies"
    await first.queue.enqueue(wake("in-flight"));
    await first.queue.schedule({ id: "later", at: T0 + 1000, job: wake("timer") });
    await new Promise((resolve) => setImmediate(resolve));
    first.db.close();

    const second = setup(path);
    second.queue.start(second.record);
    await second.queue.idle();
    expect(second.seen.map((s) => [(s.job as { runId: string }).runId, s.delivery.redelivered])).toEqual([["in-flight", true]]);
    second.clock.advance(1000);
    await second.queue.idle();
    expect(second.seen.map((s) => (s.job as { runId: string }).runId)).toEqual(["in-flight", "timer"]);
  });

  it("after the last delivery hands the job, its delivery count and its last error to the drop handler once, then forgets it", async () => {
    const db = openDatabase(":memory:");
    const clock = new VirtualClock(T0);
    const queue = new SqliteJobQueue(db, clock, {}, { maxDeliveries: 4 });
    const deliveries: boolean[] = [];
    const dropped: Array<{ job: Job; deliveries: number; error: unknown }> = [];
    queue.start(
      async (_job, delivery) => {
        deliveries.push(delivery.redelivered);
        throw new Error(`failure ${deliveries.length}`);
      },
      async (job, count, error) => void dropped.push({ job, deliveries: count, error }),
    );
    await queue.enqueue(wake("doomed"));
    await queue.idle();
    for (let i = 0; i < 3; i++) {
      expect(dropped).toEqual([]);
      expect(queue.size()).toBe(1);
      clock.advance(60_000);
      await queue.idle();
    }
    expect(deliveries).toEqual([false, true, true, true]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.job).toEqual(wake("doomed"));
    expect(dropped[0]?.deliveries).toBe(4);
    expect((dropped[0]?.error as Error).message).toBe("failure 4");
    expect(queue.size()).toBe(0);
    clock.advance(3_600_000);
    await queue.idle();
    expect(deliveries).toHaveLength(4);
    expect(dropped).toHaveLength(1);
  });

  it("drops after 10 deliveries by default", async () => {
    const { queue, clock } = setup();
    let deliveries = 0;
    const dropped: number[] = [];
    queue.start(
      async () => {
        deliveries++;
        throw new Error("always");
      },
      async (_job, count) => void dropped.push(count),
    );
    await queue.enqueue(wake("doomed"));
    for (let i = 0; i < 30 && dropped.length === 0; i++) {
      await queue.idle();
      clock.advance(60_000);
    }
    await queue.idle();
    expect(deliveries).toBe(10);
    expect(dropped).toEqual([10]);
    expect(queue.size()).toBe(0);
  });

  it("keeps a job whose drop handler failed, instead of leaving it leased and its group blocked", async () => {
    const { queue, clock } = setup();
    const handled: string[] = [];
    let drops = 0;
    // Bounded: a queue stuck on a leased row must fail this test, not hang it.
    const settle = () => Promise.race([queue.idle(), new Promise((resolve) => setTimeout(resolve, 50))]);
    queue.start(
      async (job) => {
        handled.push(job.type);
        if (job.type === "wake") throw new Error("always");
      },
      async () => {
        if (++drops === 1) throw new Error("store unavailable while failing the run");
      },
    );
    try {
      await queue.enqueue(wake("doomed"));
      for (let i = 0; i < 30 && drops === 0; i++) {
        await settle();
        clock.advance(60_000);
      }
      await settle();
      expect(drops).toBeGreaterThanOrEqual(1);
      // Another job of the same group (the same run) must still run, and the drop be tried again.
      await queue.enqueue({ type: "wait-timeout", runId: "doomed", stepId: "other" });
      for (let i = 0; i < 30 && drops < 2; i++) {
        await settle();
        clock.advance(60_000);
      }
      await settle();
      expect(handled).toContain("wait-timeout");
      expect(drops).toBe(2);
      expect(queue.size()).toBe(0);
    } finally {
      await queue.stop();
    }
  });

  it("does not spin while a due job waits for another job of its group to finish", async () => {
    const db = openDatabase(":memory:");
    let alarms = 0;
    const clock = new (class extends VirtualClock {
      override setAlarm(at: number, callback: () => void): () => void {
        alarms++;
        return super.setAlarm(at, callback);
      }
    })(T0);
    const queue = new SqliteJobQueue(db, clock);
    let release: () => void = () => {};
    const first = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    queue.start(async (job) => {
      order.push(job.type);
      if (job.type === "wake") await first;
    });
    await queue.enqueue(wake("r"));
    await new Promise((resolve) => setImmediate(resolve));
    await queue.enqueue({ type: "wait-timeout", runId: "r", stepId: "s" });
    const before = alarms;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const whileBlocked = alarms - before;
    release();
    await queue.idle();
    await queue.stop();
    expect(order).toEqual(["wake", "wait-timeout"]);
    expect(whileBlocked).toBeLessThanOrEqual(2);
  });

  it("never runs more jobs at once than its concurrency", async () => {
    const db = openDatabase(":memory:");
    const queue = new SqliteJobQueue(db, new VirtualClock(T0), {}, { concurrency: 3 });
    let running = 0;
    let peak = 0;
    queue.start(async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
    });
    for (let i = 0; i < 20; i++) await queue.enqueue(wake(`r${i}`));
    await queue.idle();
    expect(peak).toBe(3);
    expect(queue.size()).toBe(0);
  });
});
