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
