import type { CallRequest } from "./execution-types";
import { execute } from "./executor";
import { hashStepId as h } from "./hash";
import { executionResponse } from "./serve/response";
import { hashSigningKey } from "./signing";
import { callRequest, recordingLogger, scriptedFetch, testClient } from "./test-helpers";

const signingKey = "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const event = (id: string) => ({ id, name: "test/event", data: { id }, ts: 1, user: {} });

/** A fake engine serving the run's memo and events; `status` per path overrides 200. */
function engine(status: Record<string, number> = {}) {
  return scriptedFetch((call) => {
    const path = new URL(call.url).pathname;
    if (status[path]) return { status: status[path], body: { error: "run not found", status: status[path] } };
    if (path === "/v0/runs/run1/actions") return { status: 200, body: { [h("a")]: { data: 5 }, [h("b")]: { error: { name: "TypeError", message: "gone" } } } };
    if (path === "/v0/runs/run1/batch") return { status: 200, body: [event("e1"), event("e2")] };
    return { status: 200 };
  });
}

function setup(fetch: ReturnType<typeof engine>) {
  const ran = { handler: 0, a: 0, b: 0 };
  const fn = testClient({ fetch, signingKey }).createFunction({ id: "fn" }, { event: "test/event" }, async ({ step, events }) => {
    ran.handler++;
    const a = await step.run("a", () => ++ran.a);
    const b = await step.run("b", () => ++ran.b).catch((err: Error) => err.message);
    return { a, b, events: events.map((e) => e.id) };
  });
  const run = (request: CallRequest) => execute({ fn, request, stepId: "step", logger: recordingLogger() });
  return { ran, run };
}

/** The body the engine sends with use_api: its own steps and events are stale or empty. */
const useApiRequest = (): CallRequest => ({ ...callRequest({ [h("a")]: { data: 999 } }, { use_api: true }), events: [] });

describe("ctx.use_api", () => {
  it("replays against the memo and events read from the engine", async () => {
    const fetch = engine();
    const { ran, run } = setup(fetch);
    expect(await run(useApiRequest())).toEqual({ type: "function-resolved", data: { a: 5, b: "gone", events: ["e1", "e2"] } });
    expect(ran).toEqual({ handler: 1, a: 0, b: 0 });
    expect(fetch.calls.map((c) => [c.method, c.url]).sort()).toEqual([
      ["GET", "http://127.0.0.1:8288/v0/runs/run1/actions"],
      ["GET", "http://127.0.0.1:8288/v0/runs/run1/batch"],
    ]);
    for (const c of fetch.calls) expect(c.headers?.authorization).toBe(`Bearer ${hashSigningKey(signingKey)}`);
  });

  it.each(["/v0/runs/run1/actions", "/v0/runs/run1/batch"])("fails the call as retriable, running no user code, when %s answers 404", async (path) => {
    const { ran, run } = setup(engine({ [path]: 404 }));
    const result = await run(useApiRequest());
    expect(result).toMatchObject({ type: "function-rejected", retriable: true, error: { message: expect.stringContaining(`GET http://127.0.0.1:8288${path} answered HTTP 404`) } });
    expect(executionResponse(result)).toMatchObject({ status: 500, headers: { "x-inngest-no-retry": "false" } });
    expect(ran).toEqual({ handler: 0, a: 0, b: 0 });
  });

  it("reads nothing from the engine without use_api", async () => {
    const fetch = engine();
    const { run } = setup(fetch);
    expect(await run(callRequest({ [h("a")]: { data: 1 }, [h("b")]: { data: 2 } }))).toMatchObject({ type: "function-resolved", data: { a: 1, b: 2 } });
    expect(fetch.calls).toHaveLength(0);
  });
});
