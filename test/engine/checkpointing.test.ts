import { cancelRun, type RunRecord } from "../../core";
import { buildRouter } from "../../dev/server/dev-server";
import { routerFetch } from "../support/router-fetch";
import { startInProcessFerry, T0, type InProcessFerry } from "../support/in-process-ferry";

/**
 * Checkpointing with our SDK, in process on the virtual clock: the engine sends `ctx.fn_id`, the
 * SDK runs on past the first step and reports each finished step to
 * `POST /v1/checkpoint/{runId}/async`, and the engine memoizes it as it would a 206 answer.
 */
describe("checkpointing (our SDK)", () => {
  let ferry: InProcessFerry;
  let calls: string[];
  afterEach(() => ferry?.close());

  const start = async (build: Parameters<typeof startInProcessFerry>[0], settings: { checkpointing?: boolean; callBodyLimitBytes?: number } = {}) => {
    calls = [];
    ferry = await startInProcessFerry(build, {
      settings,
      afterCall: async (body) => {
        calls.push(body);
      },
    });
    return ferry;
  };
  const runOf = async (eventId: string): Promise<RunRecord> => {
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(eventId);
    if (!run) throw new Error(`no run for ${eventId}`);
    return run;
  };

  it("runs ten steps in one call, each memoized and in order", async () => {
    await start((client) => [
      client.createFunction({ id: "ten" }, { event: "cp/ten" }, async ({ step }) => {
        let total = 0;
        for (let i = 0; i < 10; i++) total += await step.run(`s${i}`, () => i);
        return total;
      }),
    ]);
    const [id] = await ferry.send({ name: "cp/ten", data: {} });
    const run = await runOf(id as string);
    expect(run).toMatchObject({ status: "Completed", output: 45 });
    expect(calls).toHaveLength(1);
    const steps = await ferry.engine.deps.runs.listSteps(run.id);
    expect(steps.map((step) => [step.name, step.status, step.memo?.value])).toEqual(Array.from({ length: 10 }, (_, i) => [`s${i}`, "Completed", { data: i }]));
    expect(run.stack).toEqual(steps.map((step) => step.id));
    expect(run.checkpointedBy).toBeUndefined();
  });

  it("with bufferedSteps: 4 reports ten steps in two checkpoints and answers the last two with the result: each runs once, all memoized in order", async () => {
    const ran: number[] = [];
    const reports: string[] = [];
    calls = [];
    ferry = await startInProcessFerry(
      (client) => [
        client.createFunction({ id: "buffered", checkpointing: { bufferedSteps: 4 } }, { event: "cp/buffered" }, async ({ step }) => {
          let total = 0;
          for (let i = 0; i < 10; i++) total += await step.run(`s${i}`, () => (ran.push(i), i));
          return total;
        }),
      ],
      {
        afterCall: async (body) => void calls.push(body),
        appRequestScope: (method, path, serve) => {
          if (path.startsWith("/v1/checkpoint/")) reports.push(`${method} ${path}`);
          return serve();
        },
      },
    );
    const runs = ferry.engine.deps.runs;
    const putRun = runs.putRun.bind(runs);
    let runWrites = 0;
    runs.putRun = (...args) => (runWrites++, putRun(...args));
    const [id] = await ferry.send({ name: "cp/buffered", data: {} });
    const run = await runOf(id as string);
    expect(run).toMatchObject({ status: "Completed", output: 45 });
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Created, started, the first report, and the ending, which also records the steps that
    // came with the result: no write of their own, and no call after the run ended.
    expect(runWrites).toBe(4);
    expect(calls).toHaveLength(1);
    expect(reports).toEqual([`POST /v1/checkpoint/${run.id}/async`, `POST /v1/checkpoint/${run.id}/async`]);
    const steps = await ferry.engine.deps.runs.listSteps(run.id);
    expect(steps.map((step) => [step.name, step.status, step.memo?.value])).toEqual(Array.from({ length: 10 }, (_, i) => [`s${i}`, "Completed", { data: i }]));
    expect(run.stack).toEqual(steps.map((step) => step.id));
  });

  it("makes one call per step with checkpointing off in the engine", async () => {
    await start(
      (client) => [client.createFunction({ id: "three" }, { event: "cp/three" }, async ({ step }) => (await step.run("a", () => 1)) + (await step.run("b", () => 2)) + (await step.run("c", () => 3)))],
      { checkpointing: false },
    );
    const [id] = await ferry.send({ name: "cp/three", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 6 });
    expect(calls).toHaveLength(4);
    expect(calls.every((body) => (JSON.parse(body) as { ctx: { fn_id?: string } }).ctx.fn_id === undefined)).toBe(true);
  });

  it("ends the call at a sleep, and a later call checkpoints the steps after it", async () => {
    await start((client) => [
      client.createFunction({ id: "nap" }, { event: "cp/nap" }, async ({ step }) => {
        const a = await step.run("a", () => 1);
        const b = await step.run("b", () => a + 1);
        await step.sleep("nap", "1h");
        const c = await step.run("c", () => b + 1);
        return step.run("d", () => c + 1);
      }),
    ]);
    const [id] = await ferry.send({ name: "cp/nap", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Running", waiting: { type: "sleeping" } });
    expect(calls).toHaveLength(1);
    await ferry.advance(60 * 60 * 1000);
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 4 });
    expect(calls).toHaveLength(2);
  });

  it("retries a call that failed after checkpointing from the steps it reported: they never run again", async () => {
    const ran = new Map<string, number>();
    const count = (name: string) => ran.set(name, (ran.get(name) ?? 0) + 1);
    await start((client) => [
      client.createFunction({ id: "flaky", retries: 2 }, { event: "cp/flaky" }, async ({ step }) => {
        const a = await step.run("a", () => (count("a"), 1));
        const b = await step.run("b", () => (count("b"), a + 1));
        // Outside any step: the whole call fails, once.
        if (!ran.has("fell")) {
          count("fell");
          throw new Error("the app fell over");
        }
        return step.run("c", () => (count("c"), b + 1));
      }),
    ]);
    const [id] = await ferry.send({ name: "cp/flaky", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Running", waiting: { type: "retrying" }, discoveryRetry: { position: 2, attempt: 1 } });
    await ferry.advance(60_000);
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 3 });
    expect(Object.fromEntries(ran)).toEqual({ a: 1, b: 1, fell: 1, c: 1 });
  });

  it("settles the steps a call reported when its worker died before acting on the answer: the job delivered again settles them, calls from there, and no step runs twice", async () => {
    const ran = new Map<string, number>();
    const count = (name: string) => ran.set(name, (ran.get(name) ?? 0) + 1);
    let crashNext = false;
    await start((client) => [
      client.createFunction({ id: "cut" }, { event: "cp/cut" }, async ({ step }) => {
        let total = 0;
        for (const name of ["a", "b", "c", "d"]) total += await step.run(name, () => (count(name), 1));
        return total;
      }),
    ]);
    const runs = ferry.engine.deps.runs;
    const listSteps = runs.listSteps.bind(runs);
    // The first call's reports are in (b, c and d wrote only their memos); the worker dies while
    // it lists them, before the answer's write would have recorded them.
    runs.listSteps = async (runId) => {
      if (crashNext) {
        crashNext = false;
        throw new Error("the worker died");
      }
      return listSteps(runId);
    };
    const getRun = runs.getRun.bind(runs);
    runs.getRun = async (runId) => {
      const run = await getRun(runId);
      if (calls.length === 1 && run?.checkpointedBy !== undefined && !ran.has("crashed")) {
        ran.set("crashed", 1);
        crashNext = true;
      }
      return run;
    };
    const [id] = await ferry.send({ name: "cp/cut", data: {} });
    // The job failed: the local queue hands it out again after its backoff.
    expect(await runOf(id as string)).toMatchObject({ status: "Running", checkpointedBy: expect.any(String) });
    await ferry.advance(10 * 60_000);
    const run = await runOf(id as string);
    expect(run).toMatchObject({ status: "Completed", output: 4 });
    expect(Object.fromEntries(ran)).toEqual({ a: 1, b: 1, c: 1, d: 1, crashed: 1 });
    expect(calls).toHaveLength(2);
    const steps = await listSteps(run.id);
    expect(run.stack).toEqual(steps.map((step) => step.id));
    expect(steps).toHaveLength(4);
  });

  it("stops the call when the run is cancelled meanwhile: the next report is refused and the run stays cancelled", async () => {
    let reachedC = false;
    await start((client) => [
      client.createFunction({ id: "cancelled" }, { event: "cp/cancel" }, async ({ step, runId }) => {
        await step.run("a", () => 1);
        await step.run("b", async () => {
          await cancelRun(ferry.engine.deps, runId);
          return 2;
        });
        return step.run("c", () => {
          reachedC = true;
          return 3;
        });
      }),
    ]);
    const [id] = await ferry.send({ name: "cp/cancel", data: {} });
    const run = await runOf(id as string);
    expect(run.status).toBe("Cancelled");
    expect(reachedC).toBe(false);
    const steps = await ferry.engine.deps.runs.listSteps(run.id);
    expect(steps.map((step) => step.name)).toEqual(["a"]);
  });

  it("does not take a function's own error named StaleDispatchError for a refused checkpoint: the run is retried and fails", async () => {
    await start((client) => [
      client.createFunction({ id: "impostor", retries: 1 }, { event: "cp/impostor" }, async ({ step }) => {
        await step.run("a", () => 1);
        const error = new Error("not the engine's");
        error.name = "StaleDispatchError";
        throw error;
      }),
    ]);
    const [id] = await ferry.send({ name: "cp/impostor", data: {} });
    await ferry.idle();
    await ferry.advance(60 * 60 * 1000);
    expect(await runOf(id as string)).toMatchObject({ status: "Failed", error: { name: "StaleDispatchError", message: "not the engine's" } });
    expect(calls).toHaveLength(2);
  });

  it("sends a memo too large for the call body through the API (ctx.use_api), and the run completes", async () => {
    const big = "x".repeat(3000);
    await start(
      (client) => [
        client.createFunction({ id: "big", checkpointing: false }, { event: "cp/big" }, async ({ step }) => {
          const a = await step.run("a", () => big);
          const b = await step.run("b", () => big);
          return step.run("c", () => a.length + b.length);
        }),
      ],
      { callBodyLimitBytes: 4000 },
    );
    const [id] = await ferry.send({ name: "cp/big", data: {} });
    expect(await runOf(id as string)).toMatchObject({ status: "Completed", output: 6000 });
    const bodies = calls.map((body) => JSON.parse(body) as { steps: Record<string, unknown>; ctx: { use_api: boolean } });
    expect(bodies.map((body) => body.ctx.use_api)).toEqual([false, false, true, true]);
    expect(calls.every((body) => body.length < 4000)).toBe(true);
  });
});

/** The checkpoint API itself: who may report, and what a bad report gets. */
describe("POST /v1/checkpoint/{runId}/async", () => {
  let ferry: InProcessFerry;
  afterEach(() => ferry?.close());

  const RUN = "01CHECKPOINTRUN0000000000A";
  const owedCall = `call.${RUN}.p0.a0`;
  const stepRun = (id: string, data: unknown) => ({ op: "StepRun", id, name: id, displayName: id, data });

  async function withRun(extra: Partial<RunRecord> = {}) {
    ferry = await startInProcessFerry(() => []);
    const run: RunRecord = {
      id: RUN,
      functionId: "app-f",
      appId: "app",
      functionVersion: 1,
      status: "Running",
      events: [{ id: "01EVENT", name: "cp/go", data: {}, user: {}, ts: T0 }],
      stack: [],
      pending: {},
      parallel: false,
      createdAt: T0,
      version: 1,
      ...extra,
    };
    await ferry.engine.deps.runs.putRun(run, null);
    const fetch = routerFetch(buildRouter({ deps: ferry.engine.deps, syncApp: async (url) => ({ ok: false, url, error: "none" }), idle: () => ferry.engine.idle() }));
    const post = async (body: unknown, runId = RUN) => {
      const response = await fetch(`http://ferry.test/v1/checkpoint/${runId}/async`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: response.status, body: JSON.parse(await response.text()) as { error?: string } };
    };
    return { post, run: async () => ferry.engine.deps.runs.getRun(RUN) };
  }

  it("accepts the call the run waits for, memoizes its steps and names it the owner", async () => {
    const { post, run } = await withRun();
    expect((await post({ run_id: RUN, fn_id: "app-f", qi_id: owedCall, steps: [stepRun("h1", 1), stepRun("h2", 2)] })).status).toBe(200);
    expect(await run()).toMatchObject({ stack: ["h1", "h2"], checkpointedBy: owedCall });
    expect((await ferry.engine.deps.runs.listSteps(RUN)).map((step) => step.memo?.value)).toEqual([{ data: 1 }, { data: 2 }]);
  });

  it("answers a report sent again with 200 and changes nothing", async () => {
    const { post, run } = await withRun();
    const report = { qi_id: owedCall, steps: [stepRun("h1", 1)] };
    await post(report);
    const before = await run();
    expect((await post(report)).status).toBe(200);
    expect(await run()).toEqual(before);
  });

  it("refuses with 409 a call the run is not waiting for, an ended run, and a step another call decided otherwise", async () => {
    const { post } = await withRun();
    expect((await post({ qi_id: `call.${RUN}.p3.a0`, steps: [stepRun("h1", 1)] })).status).toBe(409);
    expect((await post({ qi_id: owedCall, steps: [stepRun("h1", 1)] })).status).toBe(200);
    expect((await post({ qi_id: `call.${RUN}.p1.a0`, steps: [stepRun("h2", 2)] })).status).toBe(409); // the owner is still the first call
    await ferry.engine.deps.runs.putStep({ runId: RUN, id: "h9", name: "h9", kind: "run", status: "Completed", memo: { value: { data: "theirs" } }, attempts: 1, errors: [], startedAt: T0, version: 1 }, null);
    expect((await post({ qi_id: owedCall, steps: [stepRun("h9", "mine")] })).status).toBe(409);
    await cancelRun(ferry.engine.deps, RUN);
    const refused = await post({ qi_id: owedCall, steps: [stepRun("h3", 3)] });
    expect(refused).toEqual({ status: 409, body: expect.objectContaining({ error: expect.stringMatching(/no longer waiting/) }) });
  });

  it("reads the run once per report; only the call's first report writes the run, the later ones write their memos", async () => {
    const { post, run } = await withRun();
    const runs = ferry.engine.deps.runs;
    const getRun = runs.getRun.bind(runs);
    let reads = 0;
    runs.getRun = async (id) => {
      reads++;
      return getRun(id);
    };
    expect((await post({ qi_id: owedCall, steps: [stepRun("h1", 1)] })).status).toBe(200);
    expect(reads).toBe(1);
    const owned = await getRun(RUN);
    expect(owned).toMatchObject({ stack: ["h1"], checkpointedBy: owedCall });
    reads = 0;
    expect((await post({ qi_id: owedCall, steps: [stepRun("h2", 2)] })).status).toBe(200);
    expect(reads).toBe(1);
    // The run is as the first report left it; h2's memo is the record until the call's answer settles it.
    expect(await getRun(RUN)).toEqual(owned);
    expect((await runs.getStep(RUN, "h2"))?.memo?.value).toEqual({ data: 2 });
    // Sent again after a lost answer, it finds its memo and is accepted again.
    expect((await post({ qi_id: owedCall, steps: [stepRun("h2", 2)] })).status).toBe(200);
    expect((await post({ qi_id: owedCall, steps: [stepRun("h2", "another value")] })).status).toBe(409);
    expect(await run()).toEqual(owned);
  });

  it("refuses a first report when the run moved between its read and its write, and leaves the run as the other writer left it", async () => {
    const { post, run } = await withRun();
    const runs = ferry.engine.deps.runs;
    // Cancelled while the report memoizes its step: the run write finds a newer version, reads again, and gives up.
    const putStep = runs.putStep.bind(runs);
    runs.putStep = async (step, expected) => {
      const written = await putStep(step, expected);
      if (step.id === "h1") await cancelRun(ferry.engine.deps, RUN);
      return written;
    };
    expect((await post({ qi_id: owedCall, steps: [stepRun("h1", 1)] })).status).toBe(409);
    expect(await run()).toMatchObject({ status: "Cancelled", stack: [] });
    expect((await run())?.checkpointedBy).toBeUndefined();
  });

  it("answers 404 for an unknown run and 400 naming the field for a malformed report, storing nothing", async () => {
    const { post, run } = await withRun();
    expect((await post({ qi_id: owedCall, steps: [] }, "01NOSUCHRUN000000000000000")).status).toBe(404);
    const missing = await post({ steps: [stepRun("h1", 1)] });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/qi_id/);
    expect((await post({ qi_id: owedCall, steps: [{ op: "StepRun" }] })).status).toBe(400);
    expect((await post({ run_id: "01OTHER", qi_id: owedCall, steps: [] })).body.error).toMatch(/run_id/);
    expect(await run()).toMatchObject({ stack: [], version: 1 });
  });
});
