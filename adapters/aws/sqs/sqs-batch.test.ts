import { describe, expect, it } from "@jest/globals";
import { ThrottledError, type Job } from "../../../core";
import { encodeJob } from "./queue-message";
import { processSqsBatch, type SqsBatchOptions, type SqsRecord } from "./sqs-batch";

const wake = (runId: string, stepId: string): Job => ({ type: "wake", runId, stepId });
const record = (id: string, job: Job, group: string, deliveries = 1): SqsRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: encodeJob(job),
  attributes: { ApproximateReceiveCount: String(deliveries), MessageGroupId: group },
});
const options = (overrides: Partial<SqsBatchOptions> = {}): SqsBatchOptions => ({ maxDeliveries: 5, giveUpAfterMs: 0, onDrop: async () => undefined, ...overrides });

describe("processSqsBatch", () => {
  it("handles one group in order and reports a failed message with the rest of its group, while other groups finish", async () => {
    const handled: string[] = [];
    const records = [record("a1", wake("A", "1"), "A"), record("b1", wake("B", "1"), "B"), record("a2", wake("A", "2"), "A"), record("a3", wake("A", "3"), "A"), record("b2", wake("B", "2"), "B")];
    const retried: string[][] = [];
    const out = await processSqsBatch(
      records,
      async (message) => {
        const job = "job" in message ? message.job : message.timer.job;
        const label = `${(job as { runId: string }).runId}${(job as { stepId: string }).stepId}`;
        if (label === "A2") throw new Error("transient");
        handled.push(label);
      },
      options({ retryLater: async (rest) => void retried.push(rest.map((r) => r.messageId)) }),
    );
    expect(handled).toEqual(expect.arrayContaining(["A1", "B1", "B2"]));
    expect(handled).not.toContain("A3");
    expect(handled.indexOf("B1")).toBeLessThan(handled.indexOf("B2"));
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["a2", "a3"]);
    expect(retried).toEqual([["a2", "a3"]]);
  });

  it("flags a message received before as redelivered and counts its deliveries", async () => {
    const seen: [boolean, number][] = [];
    await processSqsBatch([record("x", wake("X", "1"), "X", 3)], async (_m, delivery) => void seen.push([delivery.redelivered, delivery.deliveries]), options());
    expect(seen).toEqual([[true, 3]]);
  });

  it("gives a job up at its last delivery through onDrop, and acknowledges it once the drop succeeded", async () => {
    const dropped: number[] = [];
    const out = await processSqsBatch(
      [record("x", wake("X", "1"), "X", 5)],
      async () => {
        throw new Error("still failing");
      },
      options({ onDrop: async (_m, deliveries) => void dropped.push(deliveries) }),
    );
    expect(dropped).toEqual([5]);
    expect(out.batchItemFailures).toEqual([]);
  });

  it("leaves a job whose drop failed for the dead-letter queue", async () => {
    const problems: string[] = [];
    const out = await processSqsBatch(
      [record("x", wake("X", "1"), "X", 5)],
      async () => {
        throw new Error("still failing");
      },
      options({ onDrop: async () => Promise.reject(new Error("store down")), problem: (message) => void problems.push(message) }),
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "x" }]);
    expect(problems.join("\n")).toMatch(/could not drop message x/);
  });

  it("reports a message that is not Ferry's as failed, without calling the handler", async () => {
    let calls = 0;
    const foreign: SqsRecord = { messageId: "f", receiptHandle: "rh", body: "{\"hello\":1}", attributes: { ApproximateReceiveCount: "1" } };
    const out = await processSqsBatch([foreign], async () => void calls++, options());
    expect(calls).toBe(0);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "f" }]);
  });

  it("gives up by counted deliveries, not receives: a message received often behind a failed one of its group is tried again", async () => {
    const counts = new Map<string, number>();
    const attempts = { countFailure: async (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1).get(id) as number };
    const dropped: number[] = [];
    const fail = async () => {
      throw new Error("transient");
    };
    const onDrop = async (_message: unknown, n: number) => void dropped.push(n);
    // Received nine times already (returned unhandled behind others), tried for the first time.
    const first = await processSqsBatch([record("late", wake("L", "1"), "L", 9)], fail, options({ attempts, onDrop }));
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: "late" }]);
    for (let n = 0; dropped.length === 0 && n < 10; n++) await processSqsBatch([record("late", wake("L", "1"), "L", 10 + n)], fail, options({ attempts, onDrop }));
    expect(dropped).toEqual([5]);
    expect(counts.get("late")).toBe(4);
  });

  it("never gives up a throttled job, nor one that has not been failing for giveUpAfterMs", async () => {
    const dropped: string[] = [];
    const onDrop = async () => void dropped.push("dropped");
    const recent = (id: string, group: string): SqsRecord => ({
      ...record(id, wake(group, "1"), group, 50),
      attributes: { ApproximateReceiveCount: "50", MessageGroupId: group, ApproximateFirstReceiveTimestamp: String(Date.now() - 60_000) },
    });
    await processSqsBatch(
      [recent("t", "T")],
      async () => {
        throw new ThrottledError("slow down");
      },
      options({ onDrop, giveUpAfterMs: 15 * 60_000, now: () => Date.now() + 15 * 60_000 }),
    );
    const fresh = recent("f", "F");
    const failing = async () => {
      throw new Error("still failing");
    };
    await processSqsBatch([fresh], failing, options({ onDrop, giveUpAfterMs: 15 * 60_000 }));
    expect(dropped).toEqual([]);
    await processSqsBatch([fresh], failing, options({ onDrop, giveUpAfterMs: 15 * 60_000, now: () => Date.now() + 15 * 60_000 }));
    expect(dropped).toEqual(["dropped"]);
  });

  it("gives up a message whose consumer keeps dying before it is handled again", async () => {
    let handled = 0;
    const dropped: string[] = [];
    const out = await processSqsBatch([record("d", wake("D", "1"), "D", 11)], async () => void handled++, options({ onDrop: async (_m, _n, error) => void dropped.push((error as Error).message) }));
    expect(handled).toBe(0);
    expect(dropped).toEqual([expect.stringMatching(/delivered 10 times without finishing/)]);
    expect(out.batchItemFailures).toEqual([]);
  });

  it("never gives up when the attempts cannot be counted", async () => {
    const attempts = { countFailure: async () => Promise.reject(new Error("table down")) };
    const out = await processSqsBatch(
      [record("x", wake("X", "1"), "X", 50)],
      async () => {
        throw new Error("transient");
      },
      options({ attempts, onDrop: async () => Promise.reject(new Error("must not drop")) }),
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "x" }]);
  });
});
