import { handleJob, ingestEvents, type RunRecord } from "../../core";
import type { LocalEngine } from "../../adapters/local/local-engine";
import { scriptedEngine, type ScriptedEngine } from "../support/scripted-engine";

/**
 * No run is ever stuck without an error: an SDK answer that moves nothing, an op whose end
 * cannot be represented, and a job the queue gives up on each end the run (or the step) with an
 * error that says why, instead of leaving it `Running` forever. The engine is driven by a
 * scripted endpoint, as in scripted-sdk-answers.test.ts.
 */
const HOUR = 60 * 60 * 1000;

type Setup = ScriptedEngine;

const engineWith = scriptedEngine;

async function runOf(engine: LocalEngine, eventId: string): Promise<RunRecord> {
  const [run] = await engine.deps.runs.listRunsByEvent(eventId);
  if (!run) throw new Error("no run");
  return run;
}

async function start(engine: LocalEngine, data: Record<string, unknown> = {}): Promise<string> {
  const { ids } = await ingestEvents(engine.deps, [{ name: "t/go", data }]);
  await engine.idle();
  return ids[0] as string;
}

/** Moves virtual time in `stepMs` strides until the run ends; gives up (returning it live) after `limit` strides. */
async function driveUntilEnded(setup: Setup, eventId: string, stepMs: number, limit = 40): Promise<RunRecord> {
  for (let i = 0; i < limit; i++) {
    const run = await runOf(setup.engine, eventId);
    if (run.status !== "Running") return run;
    setup.clock.advance(stepMs);
    await setup.engine.idle();
  }
  return runOf(setup.engine, eventId);
}

describe("no run is stuck without an error", () => {
  let engine: LocalEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  describe("an answer that makes no progress fails the run with NoProgressError", () => {
    it("fails a discovery call answered with a 206 and no ops", async () => {
      const setup = await engineWith(() => ({ status: 206, body: [] }));
      engine = setup.engine;
      const run = await runOf(engine, await start(engine));
      expect(run.status).toBe("Failed");
      expect(run.error?.name).toBe("NoProgressError");
      expect(run.error?.message).toMatch(/discovery call/);
      expect(run.error?.message).toMatch(/without making progress/);
      expect(run.error?.message).toMatch(/ops: none/);
      expect(setup.calls).toHaveLength(1);
      expect(engine.queue.size()).toBe(0);
    });

    it.each([
      ["StepRun", { op: "StepRun", id: "s1", name: "charge", displayName: "charge", data: { charged: true } }],
      ["StepPlanned", { op: "StepPlanned", id: "s1", name: "charge", displayName: "charge" }],
    ])("fails a discovery that repeats (as %s) a step already in the run's stack", async (_label, repeat) => {
      const setup = await engineWith(({ steps }) => {
        if (!steps["s1"]) return { status: 206, body: [{ op: "StepRun", id: "s1", name: "charge", displayName: "charge", data: { charged: true } }] };
        return { status: 206, body: [repeat] };
      });
      engine = setup.engine;
      const run = await runOf(engine, await start(engine));
      expect(run.stack).toEqual(["s1"]);
      expect(run.status).toBe("Failed");
      expect(run.error?.name).toBe("NoProgressError");
      expect(run.error?.message).toMatch(/discovery call/);
      expect(run.error?.message).toMatch(/ops: charge/);
      expect(run.error?.message).toMatch(/already finished or started/);
      // The repeated answer is not asked again and again: the run ends after the second call.
      expect(setup.calls).toHaveLength(2);
    });

    it("fails a planned step's call answered only with a StepPlanned of that same step", async () => {
      const setup = await engineWith(() => ({ status: 206, body: [{ op: "StepPlanned", id: "s1", name: "flaky", displayName: "flaky" }] }));
      engine = setup.engine;
      const run = await runOf(engine, await start(engine));
      expect(setup.calls.map((call) => new URL(call.url).searchParams.get("stepId"))).toEqual(["step", "s1"]);
      expect(run.status).toBe("Failed");
      expect(run.error?.name).toBe("NoProgressError");
      expect(run.error?.message).toMatch(/call for step s1/);
      expect(run.error?.message).toMatch(/ops: flaky/);
      expect(engine.queue.size()).toBe(0);
    });

    it("does not fail a RunComplete answer that also repeats a finished step (finishing is progress)", async () => {
      const charge = { op: "StepRun", id: "s1", name: "charge", displayName: "charge", data: 1 };
      const setup = await engineWith(({ steps }) => ({ status: 206, body: steps["s1"] ? [charge, { op: "RunComplete", id: "done", data: { data: "finished" } }] : [charge] }));
      engine = setup.engine;
      const run = await runOf(engine, await start(engine));
      expect(run.error).toBeUndefined();
      expect(run).toMatchObject({ status: "Completed", output: "finished" });
    });

    it("does not fail a discovery that reports a parallel step still pending (that is progress elsewhere)", async () => {
      let releaseB: () => void = () => {};
      const bMayFinish = new Promise<void>((resolve) => (releaseB = resolve));
      let sawPendingReport = false;
      const setup = await engineWith(async ({ stepId, steps }) => {
        if (stepId === "a") return { status: 206, body: [{ op: "StepRun", id: "a", name: "a", data: "A" }] };
        if (stepId === "b") {
          await bMayFinish;
          return { status: 206, body: [{ op: "StepRun", id: "b", name: "b", data: "B" }] };
        }
        if (steps["a"] && steps["b"]) return { status: 200, body: "both" };
        if (steps["a"]) {
          sawPendingReport = true;
          releaseB();
          return { status: 206, body: [{ op: "StepPlanned", id: "b", name: "b" }] };
        }
        return { status: 206, body: [{ op: "StepPlanned", id: "a", name: "a" }, { op: "StepPlanned", id: "b", name: "b" }] };
      });
      engine = setup.engine;
      const eventId = await start(engine);
      const run = await runOf(engine, eventId);
      expect(sawPendingReport).toBe(true);
      expect(run).toMatchObject({ status: "Completed", output: "both" });
    });
  });

  describe("an op whose end cannot be represented fails its step with InvalidOpError", () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ["a sleep until a date after 9999-12-31", { op: "Sleep", id: "nap", name: "+010000-01-01T00:00:00Z" }],
      ["a sleep until year 10000 written as a plain ISO date", { op: "Sleep", id: "nap", name: "10000-01-01T00:00:00Z" }],
      ["a sleep whose opts.duration ends after 9999-12-31", { op: "Sleep", id: "nap", name: "long nap", opts: { duration: "8000y" } }],
      ["a sleep whose name is not a date or duration", { op: "Sleep", id: "nap", name: "not a date" }],
      ["a waitForEvent with a timeout of 8000 years", { op: "WaitForEvent", id: "nap", name: "t/never", opts: { event: "t/never", timeout: "8000y" } }],
      ["a waitForEvent with a timeout of 1e300 ms", { op: "WaitForEvent", id: "nap", name: "t/never", opts: { event: "t/never", timeout: 1e300 } }],
      ["a step.invoke with a timeout of 8000 years", { op: "InvokeFunction", id: "nap", name: "call-other", opts: { function_id: "app-fn", timeout: "8000y" } }],
      ["a waitForEvent with an unreadable timeout", { op: "WaitForEvent", id: "nap", name: "t/never", opts: { event: "t/never", timeout: "forever" } }],
    ];

    it.each(cases)("%s: the function sees the error in the step's memo and can handle it", async (_label, op) => {
      const seen: unknown[] = [];
      const setup = await engineWith(({ steps }) => {
        const memo = steps["nap"];
        if (memo === undefined) return { status: 206, body: [op] };
        seen.push(memo);
        return { status: 200, body: { handled: (memo as { error?: { name?: string } }).error?.name } };
      });
      engine = setup.engine;
      const eventId = await start(engine);
      const run = await runOf(engine, eventId);
      expect(run).toMatchObject({ status: "Completed", output: { handled: "InvalidOpError" } });
      expect(seen).toEqual([{ error: expect.objectContaining({ name: "InvalidOpError", message: expect.stringMatching(/9999-12-31/) }) }]);
      const [step] = await engine.deps.runs.listSteps(run.id);
      expect(step?.memo?.value).toEqual({ error: expect.objectContaining({ name: "InvalidOpError" }) });
      expect(step?.status).toBe("Failed");
      // Nothing was left behind: no timer for a date that never comes, no job that kept failing.
      expect(engine.queue.size()).toBe(0);
      expect(setup.problems).toEqual([]);
    });

    it.each(cases)("%s: a function that rethrows the error ends the run once its retries are spent", async (_label, op) => {
      const setup = await engineWith(({ steps }) => {
        const memo = steps["nap"] as { error?: unknown } | undefined;
        if (memo === undefined) return { status: 206, body: [op] };
        return { status: 500, body: memo.error };
      });
      engine = setup.engine;
      const eventId = await start(engine);
      const run = await driveUntilEnded(setup, eventId, HOUR);
      expect(run.status).toBe("Failed");
      expect(run.error?.name).toBe("InvalidOpError");
      // One discovery that got the op, then the rethrowing call and its 4 default retries.
      expect(setup.calls).toHaveLength(1 + 5);
      expect(engine.queue.size()).toBe(0);
    });
  });

  describe("a job that fails its last delivery fails its run", () => {
    it("fails the run with JobDroppedError carrying the last error, and leaves other runs alone", async () => {
      let failures = 0;
      const setup = await engineWith(() => ({ status: 200, body: "fine" }), {
        handle: async (deps, job, delivery) => {
          if (job.type === "call") {
            const run = await deps.runs.getRun(job.runId);
            if ((run?.events[0]?.data as { doom?: boolean } | undefined)?.doom) throw new Error(`handler exploded (failure ${++failures})`);
          }
          await handleJob(deps, job, delivery);
        },
      });
      engine = setup.engine;
      const doomedEvent = await start(engine, { doom: true });
      const healthyEvent = await start(engine, {});
      expect(await runOf(engine, healthyEvent)).toMatchObject({ status: "Completed", output: "fine" });
      expect((await runOf(engine, doomedEvent)).status).toBe("Running");

      const run = await driveUntilEnded(setup, doomedEvent, 60_000);
      expect(failures).toBe(10);
      expect(run.status).toBe("Failed");
      expect(run.error?.name).toBe("JobDroppedError");
      expect(run.error?.message).toContain("handler exploded (failure 10)");
      expect(run.error?.message).toMatch(/10 times/);
      expect(engine.queue.size()).toBe(0);
      // The function was never called for the doomed run: its calls all failed inside the handler.
      expect(setup.calls).toHaveLength(1);
    });
  });
});
