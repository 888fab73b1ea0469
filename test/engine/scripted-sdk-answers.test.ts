import { ingestEvents, registerApp, VirtualClock, type FunctionCallRequest, type FunctionCallResponse } from "../../core";
import { createLocalEngine, type LocalEngine } from "../../adapters/local/local-engine";
import { T0 } from "../support/in-process-ferry";

/**
 * Protocol answers our SDK never gives but other SDKs may: the engine is driven by a scripted
 * endpoint, one answer per call, and must handle each the way the protocol says.
 */
type Script = (call: { stepId: string | null; steps: Record<string, unknown>; n: number }) => { status: number; body: unknown; headers?: Record<string, string> };

async function engineWith(script: Script): Promise<{ engine: LocalEngine; clock: VirtualClock; calls: FunctionCallRequest[] }> {
  const clock = new VirtualClock(T0);
  const calls: FunctionCallRequest[] = [];
  const engine = createLocalEngine({
    database: ":memory:",
    clock,
    caller: {
      call: async (request): Promise<FunctionCallResponse> => {
        calls.push(request);
        const body = JSON.parse(request.body) as { steps: Record<string, unknown> };
        const answer = script({ stepId: new URL(request.url).searchParams.get("stepId"), steps: body.steps, n: calls.length });
        return { status: answer.status, headers: { "x-inngest-sdk": "js:v4.24.0", ...answer.headers }, body: JSON.stringify(answer.body) };
      },
    },
  });
  await registerApp(engine.deps, {
    url: "http://app.test/api",
    appName: "app",
    functions: [{ id: "app-fn", name: "fn", triggers: [{ event: "t/go" }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://app.test/api" } } } }],
  });
  engine.start();
  return { engine, clock, calls };
}

async function runOf(engine: LocalEngine, eventId: string) {
  const [run] = await engine.deps.runs.listRunsByEvent(eventId);
  if (!run) throw new Error("no run");
  return { run, steps: await engine.deps.runs.listSteps(run.id) };
}

describe("engine answers to scripted SDK responses", () => {
  let engine: LocalEngine | undefined;
  afterEach(() => engine?.close());

  it("records steps reported in the same answer as RunComplete", async () => {
    const setup = await engineWith(() => ({
      status: 206,
      body: [
        { op: "StepRun", id: "s1", name: "charge", displayName: "charge", data: { charged: true } },
        { op: "RunComplete", id: "done", data: { data: "finished" } },
      ],
    }));
    engine = setup.engine;
    const { ids } = await ingestEvents(engine.deps, [{ name: "t/go", data: {} }]);
    await engine.idle();
    const { run, steps } = await runOf(engine, ids[0] as string);
    expect(run).toMatchObject({ status: "Completed", output: "finished" });
    expect(steps.map((step) => [step.name, step.memo?.value])).toEqual([["charge", { data: { charged: true } }]]);
  });

  it("fails an unsupported opcode's step so the function sees an error instead of hanging", async () => {
    const setup = await engineWith(({ steps }) => {
      const memo = steps["ai1"] as { error?: { name: string } } | undefined;
      if (!memo) return { status: 206, body: [{ op: "AIGateway", id: "ai1", name: "ask-model", opts: {} }] };
      return { status: 200, body: { sawError: memo.error?.name } };
    });
    engine = setup.engine;
    const { ids } = await ingestEvents(engine.deps, [{ name: "t/go", data: {} }]);
    await engine.idle();
    const { run } = await runOf(engine, ids[0] as string);
    expect(run).toMatchObject({ status: "Completed", output: { sawError: "UnsupportedOpcodeError" } });
  });

  it("waits for Retry-After before retrying a failed step", async () => {
    const setup = await engineWith(({ stepId, steps, n }) => {
      if (stepId === "step" && !steps["s1"]) return { status: 206, body: [{ op: "StepPlanned", id: "s1", name: "flaky" }] };
      if (stepId === "s1" && n <= 2) return { status: 206, body: [{ op: "StepError", id: "s1", name: "flaky", error: { name: "Error", message: "busy" } }], headers: { "retry-after": "120" } };
      if (stepId === "s1") return { status: 206, body: [{ op: "StepRun", id: "s1", name: "flaky", data: "ok" }] };
      return { status: 200, body: "done" };
    });
    engine = setup.engine;
    const { ids } = await ingestEvents(engine.deps, [{ name: "t/go", data: {} }]);
    await engine.idle();
    expect((await runOf(engine, ids[0] as string)).run.waiting).toMatchObject({ type: "retrying", at: T0 + 120_000 });
    setup.clock.advance(119_999);
    await engine.idle();
    expect(setup.calls).toHaveLength(2);
    setup.clock.advance(1);
    await engine.idle();
    expect((await runOf(engine, ids[0] as string)).run).toMatchObject({ status: "Completed", output: "done" });
  });
});
