import { cancelRun, type RunRecord } from "../../core";
import { startOfficialSdkFerry } from "../support/official-sdk-ferry";
import type { InProcessFerry } from "../support/in-process-ferry";

/**
 * The official `inngest` SDK (v4, served by `inngest/node` over loopback HTTP) checkpoints
 * against Ferry as it does against Inngest: seeing `ctx.fn_id`, it runs on past the first step,
 * POSTs each finished step to `/v1/checkpoint/{runId}/async`, and ends the call with 206
 * `[RunComplete]`. A memo too large for the call body is read through `ctx.use_api` from
 * `/v0/runs/{id}/actions` and `/batch`.
 */
describe("official SDK with checkpoints", () => {
  let ferry: InProcessFerry | undefined;
  let calls: string[];
  afterEach(async () => {
    await ferry?.close();
    ferry = undefined;
  });

  const runOf = async (eventId: string): Promise<RunRecord> => {
    const deps = (ferry as InProcessFerry).engine.deps;
    for (let i = 0; i < 400; i++) {
      await ferry?.idle();
      const [run] = await deps.runs.listRunsByEvent(eventId);
      if (run && run.status !== "Running") return run;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`run of ${eventId} did not end`);
  };

  it("runs ten steps in one call, each step memoized as the SDK reported it", async () => {
    calls = [];
    ferry = await startOfficialSdkFerry(
      (inngest) => [
        inngest.createFunction({ id: "ten", triggers: [{ event: "cp/ten" }] }, async ({ step }) => {
          let total = 0;
          for (let i = 0; i < 10; i++) total += await step.run(`s${i}`, () => i);
          return { total };
        }),
      ],
      { afterCall: async (body) => void calls.push(body) },
    );
    const [id] = await ferry.send({ name: "cp/ten", data: {} });
    const run = await runOf(id as string);
    expect(run).toMatchObject({ status: "Completed", output: { total: 45 } });
    expect(calls).toHaveLength(1);
    const steps = await ferry.engine.deps.runs.listSteps(run.id);
    expect(steps.map((step) => [step.name, step.memo?.value])).toEqual(Array.from({ length: 10 }, (_, i) => [`s${i}`, { data: i }]));
  });

  it("keeps one step per call when the engine does not checkpoint", async () => {
    calls = [];
    ferry = await startOfficialSdkFerry(
      (inngest) => [inngest.createFunction({ id: "three", triggers: [{ event: "cp/three" }] }, async ({ step }) => (await step.run("a", () => 1)) + (await step.run("b", () => 2)))],
      { afterCall: async (body) => void calls.push(body), settings: { checkpointing: false } },
    );
    const [id] = await ferry.send({ name: "cp/three", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 3 });
    expect(calls).toHaveLength(3);
  });

  it("reads a memo too large for the call body from the API (ctx.use_api)", async () => {
    calls = [];
    const big = "y".repeat(3000);
    ferry = await startOfficialSdkFerry(
      (inngest) => [
        inngest.createFunction({ id: "big", triggers: [{ event: "cp/big" }], checkpointing: false }, async ({ step }) => {
          const a = await step.run("a", () => big);
          const b = await step.run("b", () => big);
          return step.run("c", () => a.length + b.length);
        }),
      ],
      { afterCall: async (body) => void calls.push(body), settings: { callBodyLimitBytes: 4000 } },
    );
    const [id] = await ferry.send({ name: "cp/big", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 6000 });
    expect(calls.map((body) => (JSON.parse(body) as { ctx: { use_api: boolean } }).ctx.use_api)).toEqual([false, false, true, true]);
  });

  it("honours maxRuntime: past it the SDK hands the next step back planned, and the engine runs it in a call of its own", async () => {
    calls = [];
    const ran: string[] = [];
    ferry = await startOfficialSdkFerry(
      (inngest) => [
        inngest.createFunction({ id: "slow", triggers: [{ event: "cp/slow" }], checkpointing: { maxRuntime: 20 } }, async ({ step }) => {
          const a = await step.run("a", async () => {
            ran.push("a");
            await new Promise((resolve) => setTimeout(resolve, 60));
            return 1;
          });
          const b = await step.run("b", () => (ran.push("b"), a + 1));
          return step.run("c", () => (ran.push("c"), b + 1));
        }),
      ],
      { afterCall: async (body) => void calls.push(body) },
    );
    const [id] = await ferry.send({ name: "cp/slow", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 3 });
    expect(ran).toEqual(["a", "b", "c"]);
    expect(calls.length).toBeGreaterThan(1);
    // The second call runs the step the first one handed back planned.
    expect((JSON.parse(calls[1] as string) as { ctx: { step_id: string } }).ctx.step_id).not.toBe("step");
  });

  it("stops the call when the run is cancelled meanwhile: the SDK's next report gets 409, and the run stays cancelled", async () => {
    calls = [];
    let reachedC = false;
    ferry = await startOfficialSdkFerry(
      (inngest) => [
        inngest.createFunction({ id: "cancelled", triggers: [{ event: "cp/cancel" }] }, async ({ step, runId }) => {
          await step.run("a", () => 1);
          await step.run("b", async () => {
            await cancelRun((ferry as InProcessFerry).engine.deps, runId);
            return 2;
          });
          return step.run("c", () => {
            reachedC = true;
            return 3;
          });
        }),
      ],
      { afterCall: async (body) => void calls.push(body) },
    );
    const [id] = await ferry.send({ name: "cp/cancel", data: {} });
    const run = await runOf(id as string);
    expect(run.status).toBe("Cancelled");
    expect(run.error?.name).toBe("Cancelled");
    expect(reachedC).toBe(false);
    expect(calls).toHaveLength(1);
  });
});
