import type { Job } from "../../core";
import { startAwsFerry, type AwsFerry } from "./aws-ferry";

/** The engine on its AWS adapters (offline bed), end to end with an app of our SDK. */
describe("the AWS engine", () => {
  let ferry: AwsFerry;
  const batches: Job[][] = [];

  beforeAll(async () => {
    ferry = await startAwsFerry((client) => [
      client.createFunction({ id: "fan-out" }, { event: "aws/fan-out" }, async ({ step }) => {
        const parts = await Promise.all(["a", "b", "c"].map((part) => step.run(`part-${part}`, () => part.toUpperCase())));
        await step.sleep("a-while", "20m");
        return parts.join("");
      }),
    ]);
    const queue = ferry.engine.runQueue;
    const enqueueAll = queue.enqueueAll.bind(queue);
    queue.enqueueAll = async (jobs) => {
      batches.push([...jobs]);
      return enqueueAll(jobs);
    };
  }, 60_000);
  afterAll(() => ferry.close());

  it("runs parallel steps side by side, sends their calls in one SendMessageBatch, and wakes after a 20-minute sleep (longer than an SQS delay can carry)", async () => {
    const [eventId] = await ferry.send({ name: "aws/fan-out", data: {} });
    await ferry.runUntil(ferry.now());
    expect(batches.some((batch) => batch.filter((job) => job.type === "call" && job.stepId !== undefined).length === 3)).toBe(true);
    await ferry.runUntil(ferry.now() + 21 * 60_000);
    const [run] = await ferry.deps.runs.listRunsByEvent(eventId as string);
    expect(run).toMatchObject({ status: "Completed", output: "ABC" });
  }, 60_000);
});
