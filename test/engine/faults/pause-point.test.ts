import { parsePausePoint, pausingHandler } from "../../../dev/test-pause-point";
import { startInProcessFerry, type InProcessFerry } from "../../support/in-process-ferry";

/**
 * The dev server's crash-test pause point (FERRY_TEST_PAUSE_AT) on the real engine in process:
 * where it stops, what it counts, and that nothing moves once it stopped. The e2e suite
 * test/e2e/crash-mid-apply.test.ts uses it to SIGKILL ferry dev between two writes.
 */
describe("pausing a job", () => {
  let ferry: InProcessFerry | undefined;
  // The paused job never ends, so the engine cannot stop cleanly: close its database only.
  afterEach(() => ferry?.engine.db.close());

  async function start(point: string, lines: string[]) {
    const pausing = pausingHandler(parsePausePoint(point), (line) => lines.push(line));
    ferry = await startInProcessFerry(
      (client) => [
        client.createFunction({ id: "one" }, { event: "test/one" }, async ({ step }) => step.run("a", () => "A")),
        client.createFunction({ id: "two" }, { event: "test/two" }, async ({ step }) => step.run("b", () => "B")),
      ],
      // One step per call, so the step writes happen in the call jobs the point counts.
      { handle: pausing.handle, settings: { checkpointing: false } },
    );
    return ferry;
  }

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(check()).toBe(true);
  }

  it("stops after the nth successful call, with the write made and its answer never returned", async () => {
    const lines: string[] = [];
    const { engine, send } = await start("runs.putStep:after:1:call", lines);
    await send({ name: "test/one", data: {} });
    await until(() => lines.length > 0);
    expect(lines).toEqual([expect.stringMatching(/^FERRY_PAUSED runs\.putStep:after:1:call job=call\.\S+\.p0\.a0$/)]);
    const [run] = (await engine.deps.runs.listRuns({ limit: 10 })).items;
    expect(run).toMatchObject({ status: "Running", stack: [] });
    expect((await engine.deps.runs.listSteps(run?.id as string)).map((step) => step.memo)).toEqual([{ value: { data: "A" } }]);
  });

  it("counts only calls made inside jobs", async () => {
    const lines: string[] = [];
    const { engine, send } = await start("events.putEvent:before", lines);
    // Storing the sent event (an HTTP request, not a job) is not counted: the first job to store
    // an event is the run's ending, storing inngest/function.finished.
    await send({ name: "test/one", data: {} });
    await until(() => lines.length > 0);
    expect((await engine.deps.runs.listRuns({ limit: 10 })).items.map((run) => run.status)).toEqual(["Completed"]);
    expect((await engine.deps.events.listEvents({ limit: 10 })).items.map((event) => event.name)).toEqual(["test/one"]);
  });

  it("freezes every job once paused, while requests are still answered", async () => {
    const lines: string[] = [];
    const { engine, send } = await start("runs.putRun:after:1:route", lines);
    await send({ name: "test/one", data: {} });
    await until(() => lines.length > 0);
    // A job of another group, handed out after the pause, stops at its first port call.
    await send({ name: "test/two", data: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await engine.deps.runs.listRuns({ limit: 10 })).items.map((run) => run.functionId)).toEqual(["app-one"]);
    expect(engine.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE leased_until IS NOT NULL").get()).toEqual({ n: 2 });
    expect(lines).toHaveLength(1);
  });
});
