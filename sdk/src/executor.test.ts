import { NonRetriableError, RetryAfterError } from "./errors";
import { execute } from "./executor";
import { hashStepId } from "./hash";
import { callRequest, recordingLogger, testClient } from "./test-helpers";
import type { Handler } from "./function-config";
import type { CallRequest } from "./execution-types";

function run(handler: Handler, request: CallRequest, stepId = "step", retries?: number) {
  const client = testClient();
  const fn = client.createFunction({ id: "fn", retries }, { event: "test/event" }, handler);
  return execute({ fn, request, stepId, logger: recordingLogger() });
}

const h = hashStepId;

describe("executor: discovery and memoization", () => {
  it("runs a single new step.run immediately and reports StepRun", async () => {
    const result = await run(async ({ step }) => step.run("a", () => 41 + 1), callRequest());
    expect(result).toEqual({ type: "step-ran", op: { op: "StepRun", id: h("a"), name: "a", displayName: "a", opts: { type: "step" }, data: 42, timing: { a: expect.any(Number), b: expect.any(Number) } } });
  });

  it("reports how long the step's code ran (start and duration in nanoseconds, as Go's interval)", async () => {
    let clock = 5_000;
    const client = testClient();
    const fn = client.createFunction({ id: "fn" }, { event: "test/event" }, async ({ step }) => step.run("slow", () => void (clock += 250)));
    const result = await execute({ fn, request: callRequest(), stepId: "step", logger: recordingLogger(), now: () => clock });
    expect(result).toMatchObject({ type: "step-ran", op: { op: "StepRun", timing: { a: 5_000 * 1e6, b: 250 * 1e6 } } });
  });

  it("plans instead of running when immediate execution is disabled", async () => {
    const body = jest.fn(() => 1);
    const result = await run(async ({ step }) => step.run("a", body), callRequest({}, { disable_immediate_execution: true }));
    expect(result).toEqual({ type: "steps-found", ops: [{ op: "StepPlanned", id: h("a"), name: "a", displayName: "a", opts: { type: "step" } }] });
    expect(body).not.toHaveBeenCalled();
  });

  it("replays memoized steps and returns the function result", async () => {
    const body = jest.fn(() => 0);
    const result = await run(async ({ step }) => {
      const a = await step.run("a", body);
      const b = await step.run("b", body);
      return { sum: (a as number) + (b as number) };
    }, callRequest({ [h("a")]: { data: 1 }, [h("b")]: { data: 2 } }));
    expect(result).toEqual({ type: "function-resolved", data: { sum: 3 } });
    expect(body).not.toHaveBeenCalled();
  });

  it("reports three parallel steps in one 206", async () => {
    const result = await run(async ({ step }) => Promise.all([step.run("x", () => 1), step.run("y", () => 2), step.run("z", () => 3)]), callRequest());
    expect(result.type).toBe("steps-found");
    if (result.type !== "steps-found") return;
    expect(result.ops.map((o) => [o.op, o.id])).toEqual([["StepPlanned", h("x")], ["StepPlanned", h("y")], ["StepPlanned", h("z")]]);
  });

  it("indexes a repeated step id and warns", async () => {
    const client = testClient();
    const logger = recordingLogger();
    const fn = client.createFunction({ id: "fn" }, { event: "e" }, async ({ step }) => {
      await step.run("same", () => 1);
      await step.run("same", () => 2);
    });
    const result = await execute({ fn, request: callRequest({ [h("same")]: { data: 1 } }), stepId: "step", logger });
    expect(result).toMatchObject({ type: "step-ran", op: { id: h("same:1"), data: 2 } });
    expect(logger.warnings.join()).toMatch(/"same"/);
  });

  it("runs only the requested step (stepId)", async () => {
    const result = await run(async ({ step }) => Promise.all([step.run("x", () => "X"), step.run("y", () => "Y")]), callRequest(), h("y"));
    expect(result).toMatchObject({ type: "step-ran", op: { op: "StepRun", id: h("y"), data: "Y" } });
  });

  it("reports a requested step it cannot find", async () => {
    const result = await run(async ({ step }) => step.run("x", () => 1), callRequest(), h("nope"));
    expect(result).toMatchObject({ type: "step-not-found", stepId: h("nope") });
  });

  it("waits for user code outside steps before deciding", async () => {
    const result = await run(async ({ step }) => {
      await new Promise((r) => setTimeout(r, 20));
      return step.run("late", () => "ok");
    }, callRequest());
    expect(result).toMatchObject({ type: "step-ran", op: { id: h("late"), data: "ok" } });
  });
});

describe("executor: errors", () => {
  it("step error is retriable before the last attempt, final at the last", async () => {
    const handler: Handler = async ({ step }) => step.run("boom", () => { throw new TypeError("bad"); });
    const first = await run(handler, callRequest({}, { attempt: 0, max_attempts: 3 }));
    expect(first).toMatchObject({ type: "step-ran", retriable: true, op: { op: "StepError", error: { name: "TypeError", message: "bad" } } });
    const last = await run(handler, callRequest({}, { attempt: 2, max_attempts: 3 }));
    expect(last).toMatchObject({ type: "step-ran", retriable: false, op: { op: "StepFailed" } });
  });

  it("falls back to retries + 1 attempts when ctx.max_attempts is absent", async () => {
    const handler: Handler = async ({ step }) => step.run("boom", () => { throw new Error("x"); });
    const req = callRequest({}, { attempt: 1 });
    expect(await run(handler, req, "step", 1)).toMatchObject({ op: { op: "StepFailed" } });
    expect(await run(handler, req, "step", 2)).toMatchObject({ op: { op: "StepError" } });
  });

  it("NonRetriableError in a step fails it at once", async () => {
    const result = await run(async ({ step }) => step.run("s", () => { throw new NonRetriableError("stop"); }), callRequest());
    expect(result).toMatchObject({ retriable: false, op: { op: "StepFailed", error: { name: "NonRetriableError" } } });
  });

  it("RetryAfterError carries its delay", async () => {
    const result = await run(async ({ step }) => step.run("s", () => { throw new RetryAfterError("later", "30s"); }), callRequest());
    expect(result).toMatchObject({ retriable: "30", op: { op: "StepError" } });
  });

  it("a memoized step error throws a StepError the handler can catch", async () => {
    const result = await run(async ({ step }) => {
      try {
        await step.run("s", () => 1);
      } catch (err) {
        return { caught: (err as Error).message, name: (err as Error).name };
      }
    }, callRequest({ [h("s")]: { error: { name: "TypeError", message: "nope", stack: "st" } } }));
    expect(result).toEqual({ type: "function-resolved", data: { caught: "nope", name: "TypeError" } });
  });

  it("a rethrown failed step fails the function without retry", async () => {
    const result = await run(async ({ step }) => step.run("s", () => 1), callRequest({ [h("s")]: { error: { name: "Error", message: "dead" } } }));
    expect(result).toMatchObject({ type: "function-rejected", retriable: false, error: { message: "dead" } });
  });

  it("function errors are retriable unless NonRetriable", async () => {
    expect(await run(async () => { throw new Error("x"); }, callRequest())).toMatchObject({ type: "function-rejected", retriable: true, error: { name: "Error", message: "x" } });
    expect(await run(async () => { throw new NonRetriableError("y"); }, callRequest())).toMatchObject({ type: "function-rejected", retriable: false });
  });
});
