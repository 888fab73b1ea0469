import { checkpointCall, resolveCheckpointing, type CheckpointingOption } from "./checkpointing";
import { Ferry } from "./client";
import type { CallRequest } from "./execution-types";
import { execute } from "./executor";
import type { FunctionConfig, Handler } from "./function-config";
import { hashStepId as h } from "./hash";
import { executionResponse } from "./serve/response";
import { createServeHandler } from "./serve/serve-core";
import { hashSigningKey } from "./signing";
import { callRequest, recordingLogger, scriptedFetch, testClient, type FetchCall } from "./test-helpers";

const signingKey = "signkey-test-8ee2262a15e8d3c42d6a840db7af3de2aab08ef632b32a37a687f24b34dba3ff";
const checkpointUrl = "http://127.0.0.1:8288/v1/checkpoint/run1/async";

/** A call the engine sends when it has the checkpoint API: fn_id and qi_id set, first attempt. */
function checkpointRequest(ctx: CallRequest["ctx"] = {}): CallRequest {
  return callRequest({}, { fn_id: "app-fn", qi_id: "qi1", ...ctx });
}

/** A fake engine answering every checkpoint with `status` (or by script). */
function engine(status: number | ((call: FetchCall, index: number) => number) = 200) {
  return scriptedFetch((call, index) => ({ status: typeof status === "number" ? status : status(call, index) }));
}

function checkpoints(fetch: { calls: FetchCall[] }): { url: string; headers?: Record<string, string>; body: Record<string, unknown> }[] {
  return fetch.calls.filter((c) => c.method === "POST").map((c) => ({ url: c.url, headers: c.headers, body: JSON.parse(c.body ?? "null") as Record<string, unknown> }));
}

function setup(handler: Handler, options: { fetch?: ReturnType<typeof engine>; config?: Partial<FunctionConfig>; client?: Ferry } = {}) {
  const fetch = options.fetch ?? engine();
  const client = options.client ?? testClient({ fetch, signingKey });
  const fn = client.createFunction({ id: "fn", ...options.config }, { event: "test/event" }, handler);
  const delays: number[] = [];
  let clock = 1_000;
  /** Timers the execution armed (`maxInterval`), fired by the test. */
  const timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  const timer = (ms: number, callback: () => void) => {
    const armed = { ms, fire: callback, cancelled: false };
    timers.push(armed);
    return () => void (armed.cancelled = true);
  };
  const run = (request: CallRequest, stepId = "step") =>
    execute({ fn, request, stepId, logger: recordingLogger(), now: () => clock, sleep: async (ms) => void delays.push(ms), timer });
  const serve = (request: CallRequest) =>
    createServeHandler({ client, functions: [fn] })({ method: "POST", url: "http://localhost/api/inngest?fnId=app-fn&stepId=step", headers: {}, body: JSON.stringify(request) });
  return { fetch, fn, run, serve, delays, timers, tick: (ms: number) => void (clock += ms) };
}

/** A three-step function counting how often each step body runs. */
function threeSteps() {
  const ran = { a: 0, b: 0, c: 0 };
  const handler: Handler = async ({ step }) => {
    const a = await step.run("a", () => ++ran.a && 1);
    const b = await step.run("b", () => ++ran.b && a + 1);
    const c = await step.run("c", () => ++ran.c && b + 1);
    return { a, b, c };
  };
  return { ran, handler };
}

const stepRun = (id: string, data: unknown) => ({ id: h(id), op: "StepRun", name: id, displayName: id, opts: { type: "step" }, data, timing: { a: expect.any(Number), b: expect.any(Number) } });

describe("checkpointing: many steps in one call", () => {
  it("runs all three steps in one call, checkpointing each, and answers 200 with the result", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, serve } = setup(handler);
    const res = await serve(checkpointRequest());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ a: 1, b: 2, c: 3 });
    expect(ran).toEqual({ a: 1, b: 1, c: 1 });
    const posted = checkpoints(fetch);
    expect(posted.map((p) => p.url)).toEqual([checkpointUrl, checkpointUrl, checkpointUrl]);
    for (const p of posted) expect(p.headers).toMatchObject({ authorization: `Bearer ${hashSigningKey(signingKey)}`, "content-type": "application/json" });
    expect(posted.map((p) => p.body)).toEqual([
      { run_id: "run1", fn_id: "app-fn", qi_id: "qi1", steps: [stepRun("a", 1)], ts: expect.any(Number), request_started_at: expect.any(Number) },
      { run_id: "run1", fn_id: "app-fn", qi_id: "qi1", steps: [stepRun("b", 2)], ts: expect.any(Number), request_started_at: expect.any(Number) },
      { run_id: "run1", fn_id: "app-fn", qi_id: "qi1", steps: [stepRun("c", 3)], ts: expect.any(Number), request_started_at: expect.any(Number) },
    ]);
  });

  it("stamps checkpoints with the call's start and the time of sending", async () => {
    const { fetch, run, tick } = setup(async ({ step }) => {
      await step.run("a", () => tick(50));
      await step.run("b", () => tick(70));
    });
    await run(checkpointRequest());
    expect(checkpoints(fetch).map((p) => [p.body.request_started_at, p.body.ts])).toEqual([[1_000, 1_050], [1_000, 1_120]]);
  });

  it("hands the step's value back as JSON, as a replay would see it", async () => {
    const { run } = setup(async ({ step }) => {
      const when = await step.run("when", () => new Date("2030-01-01T00:00:00Z"));
      return typeof when;
    });
    expect(await run(checkpointRequest())).toEqual({ type: "function-resolved", data: "string" });
  });

  it("keeps a step found while another runs, and runs it next", async () => {
    const { fetch, run } = setup(async ({ step }) => {
      const a = step.run("a", async () => {
        await new Promise((r) => setTimeout(r, 30));
        return 1;
      });
      await new Promise((r) => setTimeout(r, 5));
      const b = step.run("b", () => 2);
      return (await a) + (await b);
    });
    expect(await run(checkpointRequest())).toEqual({ type: "function-resolved", data: 3 });
    expect(checkpoints(fetch).map((p) => (p.body.steps as { name: string }[])[0]?.name)).toEqual(["a", "b"]);
  });
});

describe("checkpointing: turned off, or not for this call", () => {
  const firstStepOnly = { type: "step-ran", op: stepRun("a", 1) };

  it("runs one step per call with checkpointing: false on the function", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, run } = setup(handler, { config: { checkpointing: false } });
    expect(await run(checkpointRequest())).toEqual(firstStepOnly);
    expect(ran).toEqual({ a: 1, b: 0, c: 0 });
    expect(fetch.calls).toHaveLength(0);
  });

  it("runs one step per call with checkpointing: false on the client, unless the function turns it on", async () => {
    const fetch = engine();
    const client = new Ferry({ id: "app", isDev: true, env: {}, fetch, logger: recordingLogger(), checkpointing: false });
    expect(await setup(threeSteps().handler, { fetch, client }).run(checkpointRequest())).toEqual(firstStepOnly);
    expect(fetch.calls).toHaveLength(0);
    const on = await setup(threeSteps().handler, { fetch, client, config: { checkpointing: true } }).run(checkpointRequest());
    expect(on).toEqual({ type: "function-resolved", data: { a: 1, b: 2, c: 3 } });
    expect(checkpoints(fetch)).toHaveLength(3);
  });

  it.each([
    ["fn_id is missing", callRequest({}, { fn_id: undefined, qi_id: "qi1" })],
    ["fn_id is empty", checkpointRequest({ fn_id: "" })],
    ["qi_id is missing", callRequest({}, { fn_id: "app-fn" })],
    ["it is a retry attempt", checkpointRequest({ attempt: 1 })],
  ])("answers the classic way when %s", async (_, request) => {
    const { ran, handler } = threeSteps();
    const { fetch, run } = setup(handler);
    expect(await run(request)).toEqual(firstStepOnly);
    expect(ran).toEqual({ a: 1, b: 0, c: 0 });
    expect(fetch.calls).toHaveLength(0);
  });

  it("plans without checkpointing when immediate execution is disabled", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, run } = setup(handler);
    const { data: _, timing: _t, ...planned } = stepRun("a", null);
    expect(await run(checkpointRequest({ disable_immediate_execution: true }))).toEqual({ type: "steps-found", ops: [{ ...planned, op: "StepPlanned" }] });
    expect(ran.a).toBe(0);
    expect(fetch.calls).toHaveLength(0);
  });

  it("runs only the requested step when a stepId is given", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, run } = setup(handler);
    expect(await run(checkpointRequest(), h("a"))).toEqual(firstStepOnly);
    expect(ran).toEqual({ a: 1, b: 0, c: 0 });
    expect(fetch.calls).toHaveLength(0);
  });
});

describe("checkpointing: when the engine refuses or fails", () => {
  it("stops with 400 no-retry on 409, running no further step", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, serve } = setup(handler, { fetch: engine(409) });
    const res = await serve(checkpointRequest());
    expect(res.status).toBe(400);
    expect(res.headers["x-inngest-no-retry"]).toBe("true");
    expect(JSON.parse(res.body)).toMatchObject({ name: "StaleDispatchError", message: expect.stringMatching(/409/) });
    expect(ran).toEqual({ a: 1, b: 0, c: 0 });
    expect(checkpoints(fetch)).toHaveLength(1);
  });

  it("after five failed attempts answers 206 with the step, backing off in between", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, run, delays } = setup(handler, { fetch: engine(500) });
    const result = await run(checkpointRequest());
    expect(result).toEqual({ type: "steps-found", ops: [stepRun("a", 1)] });
    expect(executionResponse(result).status).toBe(206);
    expect(checkpoints(fetch)).toHaveLength(5);
    expect(ran).toEqual({ a: 1, b: 0, c: 0 });
    expect(delays).toHaveLength(4);
    delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(100 * 2 ** i);
      expect(ms).toBeLessThan(100 * 2 ** i + 100);
    });
  });

  it("retries network errors and goes on once an attempt succeeds", async () => {
    const fetch = scriptedFetch((_, index) => {
      if (index < 2) throw new Error("ECONNRESET");
      return { status: 200 };
    });
    const { run } = setup(threeSteps().handler, { fetch });
    expect(await run(checkpointRequest())).toEqual({ type: "function-resolved", data: { a: 1, b: 2, c: 3 } });
    expect(fetch.calls).toHaveLength(5);
  });
});

describe("checkpointing: what ends the call", () => {
  it("answers a step that throws after two checkpointed steps with its StepError only", async () => {
    const { fetch, run } = setup(async ({ step }) => {
      await step.run("a", () => 1);
      await step.run("b", () => 2);
      await step.run("c", () => {
        throw new TypeError("bad");
      });
    });
    const result = await run(checkpointRequest());
    expect(result).toMatchObject({ type: "step-ran", retriable: true, op: { op: "StepError", id: h("c"), error: { name: "TypeError", message: "bad" } } });
    expect(checkpoints(fetch).map((p) => (p.body.steps as { id: string }[])[0]?.id)).toEqual([h("a"), h("b")]);
  });

  it("checkpoints two steps, then answers a sleep with 206 [Sleep]", async () => {
    const { fetch, run } = setup(async ({ step }) => {
      await step.run("a", () => 1);
      await step.run("b", () => 2);
      await step.sleep("nap", "1m");
    });
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [{ op: "Sleep", id: h("nap"), name: "1m", displayName: "nap", opts: { duration: "1m" } }] });
    expect(checkpoints(fetch)).toHaveLength(2);
  });

  it("plans two parallel steps without running or checkpointing either", async () => {
    const bodies = jest.fn(() => 1);
    const { fetch, run } = setup(async ({ step }) => Promise.all([step.run("x", bodies), step.run("y", bodies)]));
    const result = await run(checkpointRequest());
    expect(result).toMatchObject({ type: "steps-found", ops: [{ op: "StepPlanned", id: h("x") }, { op: "StepPlanned", id: h("y") }] });
    expect(bodies).not.toHaveBeenCalled();
    expect(fetch.calls).toHaveLength(0);
  });

  it("once maxRuntime has passed, finishes and checkpoints the running step, then plans the next", async () => {
    const ran = { a: 0, b: 0 };
    const { fetch, run, tick } = setup(
      async ({ step }) => {
        await step.run("a", () => {
          ran.a++;
          tick(1_500);
        });
        await step.run("b", () => ran.b++);
      },
      { config: { checkpointing: { maxRuntime: "1s" } } },
    );
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [{ op: "StepPlanned", id: h("b"), name: "b", displayName: "b", opts: { type: "step" } }] });
    expect(ran).toEqual({ a: 1, b: 0 });
    expect(checkpoints(fetch).map((p) => (p.body.steps as { id: string }[])[0]?.id)).toEqual([h("a")]);
  });

  it("keeps going past 1.5 s with the default maxRuntime of 10 s", async () => {
    const { fetch, run, tick } = setup(async ({ step }) => {
      await step.run("a", () => tick(1_500));
      await step.run("b", () => tick(1_500));
      return "done";
    });
    expect(await run(checkpointRequest())).toEqual({ type: "function-resolved", data: "done" });
    expect(checkpoints(fetch)).toHaveLength(2);
  });
});

/** The ids of the steps each checkpoint carried. */
function reportedIds(fetch: { calls: FetchCall[] }): string[][] {
  return checkpoints(fetch).map((p) => (p.body.steps as { id: string }[]).map((step) => step.id));
}

const runComplete = (data: unknown) => ({ id: h("complete"), op: "RunComplete", data: { data } });

describe("checkpointing: bufferedSteps and maxInterval", () => {
  it("reports two steps at a time and answers the last one beside RunComplete", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, run, serve } = setup(handler, { config: { checkpointing: { bufferedSteps: 2 } } });
    const result = await run(checkpointRequest());
    expect(result).toEqual({ type: "steps-found", ops: [stepRun("c", 3), runComplete({ a: 1, b: 2, c: 3 })] });
    expect(ran).toEqual({ a: 1, b: 1, c: 1 });
    expect(reportedIds(fetch)).toEqual([[h("a"), h("b")]]);
    const res = await serve(checkpointRequest());
    expect(res.status).toBe(206);
    expect(JSON.parse(res.body)).toEqual([{ ...stepRun("c", 3), timing: expect.any(Object) }, runComplete({ a: 1, b: 2, c: 3 })]);
  });

  it("answers every step beside RunComplete when the function ends before the buffer fills, with no report at all", async () => {
    const { fetch, run } = setup(threeSteps().handler, { config: { checkpointing: { bufferedSteps: 10 } } });
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [stepRun("a", 1), stepRun("b", 2), stepRun("c", 3), runComplete({ a: 1, b: 2, c: 3 })] });
    expect(fetch.calls).toHaveLength(0);
  });

  it("makes no report when the run ends with a full buffer: all its steps ride in the answer", async () => {
    const { fetch, run } = setup(threeSteps().handler, { config: { checkpointing: { bufferedSteps: 3 } } });
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [stepRun("a", 1), stepRun("b", 2), stepRun("c", 3), runComplete({ a: 1, b: 2, c: 3 })] });
    expect(fetch.calls).toHaveLength(0);
  });

  it("reports a full buffer before the next step runs, not before the code between the steps", async () => {
    const seen: Record<string, number> = {};
    const fetch = engine();
    const { run } = setup(
      async ({ step }) => {
        await step.run("a", () => 1);
        await step.run("b", () => 2);
        seen.between = fetch.calls.length;
        await step.run("c", () => (seen.inC = fetch.calls.length));
        return "done";
      },
      { fetch, config: { checkpointing: { bufferedSteps: 2 } } },
    );
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [stepRun("c", 1), runComplete("done")] });
    expect(seen).toEqual({ between: 0, inC: 1 });
    expect(reportedIds(fetch)).toEqual([[h("a"), h("b")]]);
  });

  it("keeps a value that looks like {data} whole through RunComplete", async () => {
    const { run } = setup(async ({ step }) => ({ data: await step.run("a", () => 1) }), { config: { checkpointing: { bufferedSteps: 5 } } });
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [stepRun("a", 1), runComplete({ data: 1 })] });
  });

  it("reports the buffer before answering a sleep, a failed step or a function error", async () => {
    const buffered = { checkpointing: { bufferedSteps: 10 } };
    const sleeper = setup(async ({ step }) => {
      await step.run("a", () => 1);
      await step.run("b", () => 2);
      await step.sleep("nap", "1m");
    }, { config: buffered });
    expect(await sleeper.run(checkpointRequest())).toEqual({ type: "steps-found", ops: [{ op: "Sleep", id: h("nap"), name: "1m", displayName: "nap", opts: { duration: "1m" } }] });
    expect(reportedIds(sleeper.fetch)).toEqual([[h("a"), h("b")]]);

    const failing = setup(async ({ step }) => {
      await step.run("a", () => 1);
      await step.run("c", () => {
        throw new TypeError("bad");
      });
    }, { config: buffered });
    expect(await failing.run(checkpointRequest())).toMatchObject({ type: "step-ran", op: { op: "StepError", id: h("c") } });
    expect(reportedIds(failing.fetch)).toEqual([[h("a")]]);

    const throwing = setup(async ({ step }) => {
      await step.run("a", () => 1);
      throw new RangeError("after a");
    }, { config: buffered });
    expect(await throwing.run(checkpointRequest())).toMatchObject({ type: "function-rejected", error: { name: "RangeError" } });
    expect(reportedIds(throwing.fetch)).toEqual([[h("a")]]);
  });

  it("stops on a 409 to a buffered report, running no further step", async () => {
    const { ran, handler } = threeSteps();
    const { run } = setup(handler, { fetch: engine(409), config: { checkpointing: { bufferedSteps: 2 } } });
    expect(await run(checkpointRequest())).toMatchObject({ type: "stale-dispatch", error: { name: "StaleDispatchError" } });
    expect(ran).toEqual({ a: 1, b: 1, c: 0 });
  });

  it("answers the buffered steps itself when their report fails five times", async () => {
    const { ran, handler } = threeSteps();
    const { fetch, run } = setup(handler, { fetch: engine(503), config: { checkpointing: { bufferedSteps: 2 } } });
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [stepRun("a", 1), stepRun("b", 2)] });
    expect(checkpoints(fetch)).toHaveLength(5);
    expect(ran).toEqual({ a: 1, b: 1, c: 0 });
  });

  it("reports once the oldest buffered step is maxInterval old, at the next step", async () => {
    const { fetch, run, tick } = setup(
      async ({ step }) => {
        await step.run("a", () => 1);
        await step.run("b", () => tick(150));
        await step.run("c", () => 3);
        return "done";
      },
      { config: { checkpointing: { bufferedSteps: 10, maxInterval: 100 } } },
    );
    expect(await run(checkpointRequest())).toEqual({ type: "steps-found", ops: [stepRun("c", 3), runComplete("done")] });
    expect(reportedIds(fetch)).toEqual([[h("a"), h("b")]]);
  });

  it("reports at maxInterval while the function works outside steps, and goes on", async () => {
    let release: () => void = () => undefined;
    const working = new Promise<void>((resolve) => (release = resolve));
    const { fetch, run, timers } = setup(
      async ({ step }) => {
        await step.run("a", () => 1);
        await working;
        return step.run("b", () => 2);
      },
      { config: { checkpointing: { bufferedSteps: 10, maxInterval: "1s" } } },
    );
    const result = run(checkpointRequest());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(timers.map((t) => t.ms)).toEqual([1_000]);
    expect(fetch.calls).toHaveLength(0);
    timers[0]?.fire();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reportedIds(fetch)).toEqual([[h("a")]]);
    release();
    expect(await result).toEqual({ type: "steps-found", ops: [stepRun("b", 2), runComplete(2)] });
    expect(timers).toHaveLength(2);
    expect(timers[1]?.cancelled).toBe(true);
  });
});

describe("checkpointing option", () => {
  it("resolves the function's option over the client's, with maxRuntime in ms (0: no limit)", () => {
    const unbuffered = { bufferedSteps: 1, maxIntervalMs: Infinity };
    expect(resolveCheckpointing(undefined, undefined)).toEqual({ maxRuntimeMs: 10_000, ...unbuffered });
    expect(resolveCheckpointing(undefined, { maxRuntime: "2s" })).toEqual({ maxRuntimeMs: 2_000, ...unbuffered });
    expect(resolveCheckpointing(true, { maxRuntime: "2s" })).toEqual({ maxRuntimeMs: 10_000, ...unbuffered });
    expect(resolveCheckpointing({ maxRuntime: 1_500 }, false)).toEqual({ maxRuntimeMs: 1_500, ...unbuffered });
    expect(resolveCheckpointing({ maxRuntime: 0 }, undefined)).toEqual({ maxRuntimeMs: Infinity, ...unbuffered });
    expect(resolveCheckpointing(false, true)).toBe(false);
    expect(resolveCheckpointing({ bufferedSteps: 10, maxInterval: "2s" }, undefined)).toEqual({ maxRuntimeMs: 10_000, bufferedSteps: 10, maxIntervalMs: 2_000 });
    expect(resolveCheckpointing({ bufferedSteps: 5, maxInterval: 0 }, undefined)).toEqual({ maxRuntimeMs: 10_000, bufferedSteps: 5, maxIntervalMs: Infinity });
  });

  it("checkpoints a call only for discovery with fn_id, qi_id and run_id, immediate execution and attempt 0", () => {
    const on = { maxRuntimeMs: 10_000, bufferedSteps: 1, maxIntervalMs: Infinity };
    expect(checkpointCall(on, checkpointRequest(), "step")).toEqual({ ...on, runId: "run1", fnId: "app-fn", qiId: "qi1" });
    expect(checkpointCall(on, checkpointRequest(), undefined)).toBeDefined();
    expect(checkpointCall(on, checkpointRequest(), h("a"))).toBeUndefined();
    expect(checkpointCall(on, checkpointRequest({ disable_immediate_execution: true }), "step")).toBeUndefined();
    expect(checkpointCall(on, checkpointRequest({ run_id: "" }), "step")).toBeUndefined();
    expect(checkpointCall(false, checkpointRequest(), "step")).toBeUndefined();
  });

  it("rejects an invalid maxRuntime, bufferedSteps or maxInterval when the function is created", () => {
    const create = (checkpointing: CheckpointingOption) => () => testClient().createFunction({ id: "bad", checkpointing }, { event: "e" }, async () => null);
    expect(create({ maxRuntime: "soon" })).toThrow(/checkpointing.maxRuntime/);
    expect(create({ maxInterval: -1 })).toThrow(/checkpointing.maxInterval/);
    for (const bufferedSteps of [0, 2.5, -3, Number.NaN]) expect(create({ bufferedSteps })).toThrow(/checkpointing.bufferedSteps: expected a whole number of at least 1/);
  });
});

describe("checkpointing: which client reaches the engine", () => {
  const serveWith = (client: Ferry, engineFetch: ReturnType<typeof engine>) => {
    const fn = client.createFunction({ id: "fn" }, { event: "test/event" }, threeSteps().handler);
    return createServeHandler({ client, functions: [fn], engineFetch })({ method: "POST", url: "http://localhost/api/inngest?fnId=app-fn&stepId=step", headers: {}, body: JSON.stringify(checkpointRequest()) });
  };

  it("uses the adapter's engine client when the client was given no fetch", async () => {
    const adapters = engine();
    const res = await serveWith(new Ferry({ id: "app", isDev: true, env: {}, logger: recordingLogger() }), adapters);
    expect(res.status).toBe(200);
    expect(checkpoints(adapters).map((c) => c.url)).toEqual([checkpointUrl, checkpointUrl, checkpointUrl]);
  });

  it("keeps the client's own fetch when it was given one", async () => {
    const own = engine();
    const adapters = engine();
    await serveWith(testClient({ fetch: own }), adapters);
    expect(checkpoints(own)).toHaveLength(3);
    expect(adapters.calls).toEqual([]);
  });
});
