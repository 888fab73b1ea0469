import { ingestEvents } from "../../core";
import type { LocalEngine } from "../../adapters/local/local-engine";
import { T0 } from "../support/in-process-ferry";
import { scriptedEngine } from "../support/scripted-engine";

/**
 * Protocol answers our SDK never gives but other SDKs may: the engine is driven by a scripted
 * endpoint, one answer per call, and must handle each the way the protocol says.
 */
const engineWith = scriptedEngine;

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

  it("places a step the SDK ran inline by the duration it reports (`timing`), within the call", async () => {
    const setup = await engineWith(() => {
      setup.clock.advance(2000); // the call takes 2 s
      return {
        status: 206,
        body: [
          { op: "StepRun", id: "s1", name: "timed", data: 1, timing: { a: 123, b: 1500 * 1e6 } },
          { op: "StepRun", id: "s2", name: "untimed", data: 2 },
          { op: "StepRun", id: "s3", name: "too-long", data: 3, timing: { a: 0, b: 60_000 * 1e6 } },
          { op: "StepRun", id: "s4", name: "garbled", data: 4, timing: { a: 0, b: "soon" } },
          { op: "RunComplete", id: "done", data: { data: "finished" } },
        ],
      };
    });
    engine = setup.engine;
    const { ids } = await ingestEvents(engine.deps, [{ name: "t/go", data: {} }]);
    await engine.idle();
    const { steps } = await runOf(engine, ids[0] as string);
    const callStart = T0;
    const callEnd = T0 + 2000;
    expect(steps.map((step) => [step.name, step.startedAt - callStart, step.endedAt! - callStart])).toEqual([
      ["timed", callEnd - 1500 - callStart, 2000],
      ["untimed", 0, 2000],
      // A duration longer than the call (another clock's idea of time, or a bug) starts with the call.
      ["too-long", 0, 2000],
      ["garbled", 0, 2000],
    ]);
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
