import { execute } from "./executor";
import { hashStepId as h } from "./hash";
import { callRequest, fakeFetch, recordingLogger, testClient } from "./test-helpers";
import type { Handler } from "./function-config";
import type { CallRequest } from "./execution-types";

function run(handler: Handler, request: CallRequest = callRequest({}, { disable_immediate_execution: true }), client = testClient()) {
  const fn = client.createFunction({ id: "fn" }, { event: "test/event" }, handler);
  return execute({ fn, request, stepId: "step", logger: recordingLogger() });
}

describe("step tools: op shapes", () => {
  it("sleep reports a Sleep op with the duration in name and opts", async () => {
    expect(await run(async ({ step }) => step.sleep("nap", "5m"))).toEqual({
      type: "steps-found",
      ops: [{ op: "Sleep", id: h("nap"), name: "5m", displayName: "nap", opts: { duration: "5m" } }],
    });
    expect(await run(async ({ step }) => step.sleep("nap", 90_000))).toMatchObject({ ops: [{ name: "1m30s" }] });
  });

  it("sleepUntil puts the ISO date in name", async () => {
    const result = await run(async ({ step }) => step.sleepUntil("until", new Date("2030-01-02T03:04:05Z")));
    expect(result).toMatchObject({ ops: [{ op: "Sleep", id: h("until"), name: "2030-01-02T03:04:05.000Z" }] });
  });

  it("waitForEvent converts match to an if expression", async () => {
    const result = await run(async ({ step }) => step.waitForEvent("reply", { event: "app/reply", timeout: "1h", match: "data.userId" }));
    expect(result).toEqual({
      type: "steps-found",
      ops: [{ op: "WaitForEvent", id: h("reply"), name: "app/reply", displayName: "reply", opts: { event: "app/reply", timeout: "1h", if: "event.data.userId == async.data.userId" } }],
    });
  });

  it("invoke reports InvokeFunction with the full function id and payload", async () => {
    const client = testClient();
    const target = client.createFunction({ id: "child" }, { event: "child/go" }, async () => "done");
    const result = await run(async ({ step }) => step.invoke("call", { function: target, data: { n: 1 }, timeout: "10m" }), undefined, client);
    expect(result).toMatchObject({ ops: [{ op: "InvokeFunction", id: h("call"), displayName: "call", opts: { function_id: "app-child", payload: { data: { n: 1 } }, timeout: "10m" } }] });
    const byString = await run(async ({ step }) => step.invoke("call", { function: "other" }), undefined, client);
    expect(byString).toMatchObject({ ops: [{ opts: { function_id: "app-other" } }] });
  });

  it("sendEvent is a planned step that sends through the client when run", async () => {
    const fetch = fakeFetch(200, { ids: ["id-1"], status: 200 });
    const client = testClient({ fetch });
    const planned = await run(async ({ step }) => step.sendEvent("notify", { name: "app/notified" }), undefined, client);
    expect(planned).toMatchObject({ ops: [{ op: "StepPlanned", id: h("notify"), name: "sendEvent", displayName: "notify", opts: { type: "step.sendEvent" } }] });
    const ran = await run(async ({ step }) => step.sendEvent("notify", { name: "app/notified" }), callRequest(), client);
    expect(ran).toMatchObject({ type: "step-ran", op: { op: "StepRun", data: { ids: ["id-1"] } } });
    expect(fetch.calls[0]?.url).toBe("http://127.0.0.1:8288/e/dev");
  });
});

describe("step tools: memoized values", () => {
  it("resolves sleep, waitForEvent (event or null) and invoke", async () => {
    const event = { id: "r", name: "app/reply", data: { ok: true }, ts: 2, user: {} };
    const result = await run(
      async ({ step }) => {
        await step.sleep("nap", "1s");
        const reply = await step.waitForEvent("reply", { event: "app/reply", timeout: "1h" });
        const none = await step.waitForEvent("reply2", { event: "app/reply", timeout: "1h" });
        const child = await step.invoke("call", { function: "child" });
        return { reply, none, child };
      },
      callRequest({ [h("nap")]: null, [h("reply")]: event, [h("reply2")]: null, [h("call")]: { data: "child-result" } }),
    );
    expect(result).toEqual({ type: "function-resolved", data: { reply: event, none: null, child: "child-result" } });
  });

  it("invoke rejects with the child's error", async () => {
    const result = await run(
      async ({ step }) => step.invoke("call", { function: "child" }).catch((e: Error) => `caught ${e.message}`),
      callRequest({ [h("call")]: { error: { name: "Error", message: "child failed" } } }),
    );
    expect(result).toEqual({ type: "function-resolved", data: "caught child failed" });
  });
});
