import { defaultSettings, toRunView, resolveMemos } from "../../core";
import { startInProcessFerry, type InProcessFerry } from "../support/in-process-ferry";

/**
 * Item-size budgets: a DynamoDB item holds 400 KB, and a run is rewritten on every step. Values
 * over the payload threshold (64 KB) are kept in the PayloadStore and referenced; functions and
 * the API still see them whole.
 */
describe("large payloads go to the PayloadStore, and come back whole", () => {
  let ferry: InProcessFerry;
  afterEach(() => ferry.close());

  /** Bytes of the stored JSON body of a row, straight from SQLite. */
  const rowBytes = (table: "runs" | "steps", where: string, id: string) =>
    (ferry.engine.db.prepare(`SELECT length(body) AS n FROM ${table} WHERE ${where} = ?`).get(id) as { n: number }).n;

  it("keeps a 300 KB step output out of the step record and hands it to the next step and the API", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "big-output" }, { event: "big/output" }, async ({ step }) => {
        const blob = await step.run("make-blob", () => "x".repeat(300 * 1024));
        return step.run("measure", () => ({ length: blob.length, tail: blob.slice(-3) }));
      }),
    ]);
    const [eventId] = await ferry.send({ name: "big/output", data: {} });
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(eventId as string);
    expect(run).toMatchObject({ status: "Completed", output: { length: 300 * 1024, tail: "xxx" } });
    const steps = await ferry.engine.deps.runs.listSteps(run?.id as string);
    const blob = steps.find((step) => step.name === "make-blob");
    expect(blob?.memo?.value).toBeUndefined();
    expect(blob?.memo?.ref).toEqual({ key: expect.stringMatching(/^steps\//), bytes: expect.any(Number) });
    expect(blob?.memo?.ref?.bytes).toBeGreaterThan(300 * 1024);
    expect(rowBytes("runs", "id", run?.id as string)).toBeLessThan(defaultSettings.payloadThresholdBytes);
    const view = toRunView(run!, await resolveMemos(ferry.engine.deps, steps));
    expect(view.steps?.find((step) => step.name === "make-blob")?.output).toBe("x".repeat(300 * 1024));
  });

  it("keeps a large batch's events out of the run record, and hands every event to the function", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "big-batch", batchEvents: { maxSize: 5, timeout: "10s" } }, { event: "big/item" }, async ({ events, step }) =>
        step.run("count", () => ({ events: events.length, bytes: events.reduce((total, event) => total + String(event.data.blob).length, 0) })),
      ),
    ]);
    const ids = await ferry.send([1, 2, 3, 4, 5].map((n) => ({ name: "big/item", data: { n, blob: "y".repeat(20 * 1024) } })));
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(ids[4] as string);
    expect(run).toMatchObject({ status: "Completed", output: { events: 5, bytes: 5 * 20 * 1024 } });
    expect(run?.eventsRef).toBeDefined();
    expect(run?.events).toHaveLength(1);
    expect(run?.eventIds).toEqual(ids);
    // Every member still lists the run.
    for (const id of ids) expect((await ferry.engine.deps.runs.listRunsByEvent(id)).map((r) => r.id)).toEqual([run?.id]);
    expect(rowBytes("runs", "id", run?.id as string)).toBeLessThan(defaultSettings.payloadThresholdBytes);
  });

  it("resumes a wait with a 100 KB event kept by reference", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "waiter" }, { event: "big/start" }, async ({ step }) => {
        const got = await step.waitForEvent("wait-big", { event: "big/reply", timeout: "1h" });
        return got ? String(got.data.blob).length : -1;
      }),
    ]);
    const [start] = await ferry.send({ name: "big/start", data: {} });
    await ferry.idle();
    await ferry.send({ name: "big/reply", data: { blob: "z".repeat(100 * 1024) } });
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(start as string);
    expect(run).toMatchObject({ status: "Completed", output: 100 * 1024 });
    const wait = (await ferry.engine.deps.runs.listSteps(run?.id as string)).find((step) => step.kind === "wait");
    expect(wait?.memo?.ref).toBeDefined();
  });
});
