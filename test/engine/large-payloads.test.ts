import { defaultSettings, MAX_ERROR_BYTES, resolveMemos, toRunView, type RunRecord } from "../../core";
import { buildRouter } from "../../dev/server/dev-server";
import { startInProcessFerry, type InProcessFerry } from "../support/in-process-ferry";
import { routerFetch } from "../support/router-fetch";
import { crashPoints, runScenario, type Outcome, type Scenario } from "./faults/fault-harness";

/**
 * Item-size budgets: a DynamoDB item holds 400 KB, and a run is rewritten on every step. Values
 * over the payload threshold (64 KB) are kept in the PayloadStore and referenced; functions and
 * the API still see them whole.
 */
describe("large payloads go to the PayloadStore, and come back whole", () => {
  let ferry: InProcessFerry;
  afterEach(() => ferry.close());

  const KB = 1024;
  const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
  const runsOf = async (functionId: string): Promise<RunRecord[]> =>
    (await ferry.engine.deps.runs.listRuns({ limit: 100 })).items.filter((run) => run.functionId === `app-${functionId}`);
  /** GETs a dev server API path, as a script would. */
  const api = async (path: string): Promise<{ data: Record<string, unknown> | Record<string, unknown>[] }> => {
    const router = buildRouter({ deps: ferry.engine.deps, syncApp: async (url) => ({ ok: false, url, error: "not in-process" }), idle: () => ferry.engine.idle() });
    const response = await routerFetch(router)(`http://ferry.test${path}`);
    expect(response.status).toBe(200);
    return JSON.parse(await response.text()) as { data: Record<string, unknown> };
  };

  /** Bytes of the stored JSON body of a row, straight from SQLite. */
  const rowBytes = (table: "runs" | "steps", where: string, id: string) =>
    (ferry.engine.db.prepare(`SELECT length(body) AS n FROM ${table} WHERE ${where} = ?`).get(id) as { n: number }).n;

  it("keeps a 300 KB step output out of the step record and hands it to the next step and the API", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "big-output" }, { event: "big/output" }, async ({ step }) => {
        const blob = await step.run("make-blob", () => "x".repeat(300 * 1024));
        return step.run("measure", () => ({ length: blob.length, tail: blob.slice(-3) }));
      }),
    ]);
    const [eventId] = await ferry.send({ name: "big/output", data: {} });
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(eventId as string);
    expect(run).toMatchObject({ status: "Completed", output: { length: 300 * 1024, tail: "xxx" } });
    const steps = await ferry.engine.deps.runs.listSteps(run?.id as string);
    const blob = steps.find((step) => step.name === "make-blob");
    expect(blob?.memo?.value).toBeUndefined();
    expect(blob?.memo?.ref).toEqual({ key: expect.stringMatching(/^steps\//), bytes: expect.any(Number) });
    expect(blob?.memo?.ref?.bytes).toBeGreaterThan(300 * 1024);
    expect(rowBytes("runs", "id", run?.id as string)).toBeLessThan(defaultSettings.payloadThresholdBytes);
    const view = toRunView(run!, await resolveMemos(ferry.engine.deps, steps));
    expect(view.steps?.find((step) => step.name === "make-blob")?.output).toBe("x".repeat(300 * 1024));
  });

  it("keeps a large batch's events out of the run record, and hands every event to the function", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "big-batch", batchEvents: { maxSize: 5, timeout: "10s" } }, { event: "big/item" }, async ({ events, step }) =>
        step.run("count", () => ({ events: events.length, bytes: events.reduce((total, event) => total + String(event.data.blob).length, 0) })),
      ),
    ]);
    const ids = await ferry.send([1, 2, 3, 4, 5].map((n) => ({ name: "big/item", data: { n, blob: "y".repeat(20 * 1024) } })));
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(ids[4] as string);
    expect(run).toMatchObject({ status: "Completed", output: { events: 5, bytes: 5 * 20 * 1024 } });
    expect(run?.eventsRef).toBeDefined();
    expect(run?.events).toHaveLength(1);
    expect(run?.eventIds).toEqual(ids);
    // Every member still lists the run.
    for (const id of ids) expect((await ferry.engine.deps.runs.listRunsByEvent(id)).map((r) => r.id)).toEqual([run?.id]);
    expect(rowBytes("runs", "id", run?.id as string)).toBeLessThan(defaultSettings.payloadThresholdBytes);
  });

  it("resumes a wait with a 100 KB event kept by reference", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "waiter" }, { event: "big/start" }, async ({ step }) => {
        const got = await step.waitForEvent("wait-big", { event: "big/reply", timeout: "1h" });
        return got ? String(got.data.blob).length : -1;
      }),
    ]);
    const [start] = await ferry.send({ name: "big/start", data: {} });
    await ferry.idle();
    await ferry.send({ name: "big/reply", data: { blob: "z".repeat(100 * 1024) } });
    await ferry.idle();
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(start as string);
    expect(run).toMatchObject({ status: "Completed", output: 100 * 1024 });
    const wait = (await ferry.engine.deps.runs.listSteps(run?.id as string)).find((step) => step.kind === "wait");
    expect(wait?.memo?.ref).toBeDefined();
  });
  it("keeps a 300 KB run output out of the run record, and shows it whole to the API, an invoking parent and lifecycle listeners", async () => {
    const blob = "x".repeat(300 * KB);
    ferry = await startInProcessFerry((client) => {
      const child = client.createFunction({ id: "big-child" }, { event: "big/child" }, async () => ({ blob }));
      return [
        child,
        client.createFunction({ id: "medium-child" }, { event: "medium/child" }, async () => ({ blob: "m".repeat(100 * KB) })),
        client.createFunction({ id: "big-parent" }, { event: "big/parent" }, async ({ step }) => {
          const result = (await step.invoke("call-big", { function: child, data: {} })) as { blob: string };
          return step.run("measure", () => ({ length: result.blob.length, tail: result.blob.slice(-3) }));
        }),
        client.createFunction({ id: "finished-listener" }, { event: "inngest/function.finished", if: "event.data.function_id.endsWith('-child')" }, async ({ event }) => ({
          fn: event.data.function_id,
          resultLength: typeof event.data.result === "object" ? String((event.data.result as { blob: string }).blob).length : null,
          omitted: event.data.result_omitted ?? null,
        })),
      ];
    });
    const [childEvent, parentEvent, mediumEvent] = await ferry.send([
      { name: "big/child", data: {} },
      { name: "big/parent", data: {} },
      { name: "medium/child", data: {} },
    ]);
    await ferry.idle();

    // The raw record keeps a reference to a content-addressed object, written before it.
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(childEvent as string);
    const stored = (await ferry.engine.deps.runs.getRun(run?.id as string)) as RunRecord;
    expect(stored.status).toBe("Completed");
    expect(stored.output).toBeUndefined();
    expect(stored.outputRef).toEqual({ key: expect.stringMatching(new RegExp(`^runs/${stored.id}/output/[0-9a-z]+$`)), bytes: bytesOf({ blob }) });
    expect(bytesOf(stored)).toBeLessThan(defaultSettings.payloadThresholdBytes);
    expect(rowBytes("runs", "id", stored.id)).toBeLessThan(defaultSettings.payloadThresholdBytes);
    expect(JSON.parse((await ferry.engine.deps.payloads.get(stored.outputRef?.key as string)) as string)).toEqual({ blob });

    // The API shows the whole output, for one run and in lists.
    expect((await api(`/v1/runs/${stored.id}`)).data).toMatchObject({ run_id: stored.id, status: "Completed", output: { blob } });
    expect((await api(`/v1/events/${childEvent}/runs`)).data).toEqual([expect.objectContaining({ run_id: stored.id, output: { blob } })]);
    expect(((await api("/v1/runs?status=Completed")).data as Record<string, unknown>[]).find((view) => view.run_id === stored.id)?.output).toEqual({ blob });

    // The invoking parent gets the whole output as the step's result (kept by reference in its memo).
    const [parent] = await ferry.engine.deps.runs.listRunsByEvent(parentEvent as string);
    expect(parent).toMatchObject({ status: "Completed", output: { length: 300 * KB, tail: "xxx" } });
    const invokeStep = (await ferry.engine.deps.runs.listSteps(parent?.id as string)).find((step) => step.kind === "invoke");
    expect(invokeStep?.memo?.ref).toBeDefined();
    const invokedChild = (await runsOf("big-child")).find((child) => child.parent?.runId === parent?.id);
    expect(invokedChild?.outputRef?.key).toMatch(new RegExp(`^runs/${invokedChild?.id}/output/`));

    // function.finished carries the output when the event stays within the event size limit,
    // and says it was left out when it would not.
    const [medium] = await ferry.engine.deps.runs.listRunsByEvent(mediumEvent as string);
    expect(medium?.outputRef).toBeDefined();
    const listened = (await runsOf("finished-listener")).map((listener) => listener.output as { fn: string; resultLength: number | null; omitted: unknown });
    expect(listened.filter((output) => output.fn === "app-medium-child")).toEqual([{ fn: "app-medium-child", resultLength: 100 * KB, omitted: null }]);
    const bigListened = listened.filter((output) => output.fn === "app-big-child");
    expect(bigListened).toHaveLength(2); // the one sent and the one invoked
    for (const output of bigListened) expect(output).toEqual({ fn: "app-big-child", resultLength: null, omitted: { bytes: bytesOf({ blob }), reason: expect.stringContaining("GET /v1/runs/") } });
    const finished = (await ferry.engine.deps.events.findEventsSince("inngest/function.finished", 0)).filter((event) => event.data.run_id === stored.id);
    expect(finished).toHaveLength(1);
    expect(bytesOf(finished[0])).toBeLessThanOrEqual(defaultSettings.maxEventBytes);
  });

  it("keeps a run's lifecycle events within an item when its trigger event is near the event size limit: data.event once, data.events left out", async () => {
    const blob = "t".repeat(200 * KB);
    ferry = await startInProcessFerry((client) => [
      client.createFunction({ id: "big-trigger" }, { event: "big/trigger" }, async ({ event }) => String(event.data.blob).length),
      client.createFunction({ id: "failing-trigger", retries: 0 }, { event: "big/failing" }, async () => {
        throw new Error("nope");
      }),
      client.createFunction({ id: "on-finished" }, { event: "inngest/function.finished", if: "event.data.function_id.endsWith('-trigger')" }, async ({ event }) => ({
        fn: event.data.function_id,
        triggerLength: String((event.data.event as { data: { blob: string } }).data.blob).length,
        events: Array.isArray(event.data.events) ? event.data.events.length : null,
        omitted: (event.data.events_omitted as { count: number } | undefined)?.count ?? null,
      })),
    ]);
    await ferry.send([
      { name: "big/trigger", data: { blob } },
      { name: "big/failing", data: { blob } },
    ]);
    await ferry.idle();
    const lifecycle = [...(await ferry.engine.deps.events.findEventsSince("inngest/function.finished", 0)), ...(await ferry.engine.deps.events.findEventsSince("inngest/function.failed", 0))];
    expect(lifecycle.filter((event) => String(event.data.function_id).endsWith("-trigger"))).toHaveLength(3);
    // One copy of the 200 KB trigger, well inside a DynamoDB item and an EventBridge entry.
    for (const event of lifecycle) expect(bytesOf(event)).toBeLessThan(300 * KB);
    const heard = (await runsOf("on-finished")).map((run) => run.output);
    expect(heard).toEqual(
      expect.arrayContaining([
        { fn: "app-big-trigger", triggerLength: 200 * KB, events: null, omitted: 1 },
        { fn: "app-failing-trigger", triggerLength: 200 * KB, events: null, omitted: 1 },
      ]),
    );
    expect((await runsOf("big-trigger"))[0]?.output).toBe(200 * KB);
  });

  it("keeps a 300 KB error within MAX_ERROR_BYTES in the run and step records, and onFailure still runs", async () => {
    ferry = await startInProcessFerry((client) => [
      client.createFunction(
        {
          id: "huge-error",
          retries: 1,
          onFailure: async ({ error }) => ({ name: error.name, truncated: error.message.includes("[truncated by Ferry: the error was"), length: error.message.length }),
        },
        { event: "big/error" },
        async ({ step }) =>
          step.run("explode", () => {
            throw new TypeError("e".repeat(300 * KB));
          }),
      ),
    ]);
    const [eventId] = await ferry.send({ name: "big/error", data: {} });
    await ferry.idle();
    await ferry.advance(60 * 60 * 1000);
    const [run] = await ferry.engine.deps.runs.listRunsByEvent(eventId as string);
    const stored = (await ferry.engine.deps.runs.getRun(run?.id as string)) as RunRecord;
    expect(stored.status).toBe("Failed");
    expect(bytesOf(stored.error)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(stored.error?.message).toMatch(/^e+ \[truncated by Ferry: the error was \d+ bytes\]$/);
    expect(bytesOf(stored)).toBeLessThan(defaultSettings.payloadThresholdBytes);
    for (const step of await ferry.engine.deps.runs.listSteps(stored.id)) {
      expect(bytesOf(step)).toBeLessThan(defaultSettings.payloadThresholdBytes);
      for (const attempt of step.errors) expect(bytesOf(attempt.error)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    }
    const [handler] = await runsOf("huge-error-failure");
    expect(handler).toMatchObject({ status: "Completed", output: { truncated: true } });
    expect((handler?.output as { length: number }).length).toBeLessThan(MAX_ERROR_BYTES);
  });

  describe("converges when finishing a run with a large output crashes and is delivered again", () => {
    const scenario: Scenario = {
      name: "large outputs",
      horizonMs: 60 * 60 * 1000,
      functions: (client) => {
        const child = client.createFunction({ id: "big-child" }, { event: "big/child" }, async ({ event }) => ({ blob: String(event.data.letter).repeat(300 * KB) }));
        return [
          child,
          client.createFunction({ id: "big-parent" }, { event: "big/parent" }, async ({ step }) => {
            const result = (await step.invoke("call-big", { function: child, data: { letter: "p" } })) as { blob: string };
            return { length: result.blob.length, tail: result.blob.slice(-3) };
          }),
          client.createFunction({ id: "listener" }, { event: "inngest/function.finished", if: "event.data.function_id == 'app-big-child'" }, async ({ event }) => ({
            omitted: event.data.result_omitted ?? null,
          })),
        ];
      },
      drive: async (h) => {
        await h.send([
          { name: "big/child", data: { letter: "c" } },
          { name: "big/parent", data: {} },
        ]);
      },
    };
    let clean: Outcome;

    beforeAll(async () => {
      clean = await runScenario(scenario, { mode: "clean" });
    });

    it("runs clean", () => {
      expect(clean.live).toEqual([]);
      expect(clean.runs).toHaveLength(5); // two children, the parent, a listener run per child
      expect(clean.runs.filter((line) => line.startsWith("app-big-child") && line.includes("Completed {\"blob\":\"ccc"))).toHaveLength(1);
      expect(clean.runs.filter((line) => line.startsWith("app-big-parent") && line.includes(`Completed {"length":${300 * KB},"tail":"ppp"}`))).toHaveLength(1);
    });

    it.each(["throw-before", "throw-after"] as const)("ends as the clean run after a crash at each port call (%s)", async (mode) => {
      for (const k of crashPoints(clean)) {
        const faulty = await runScenario(scenario, { mode, k });
        expect({ k, live: faulty.live, memoChanges: faulty.memoChanges }).toEqual({ k, live: [], memoChanges: [] });
        expect({ k, same: faulty.runs.join("\n") === clean.runs.join("\n") }).toEqual({ k, same: true });
      }
    }, 120_000);

    it("ends as the clean run when every job is delivered twice", async () => {
      const twice = await runScenario(scenario, { mode: "twice" });
      expect(twice.live).toEqual([]);
      expect(twice.memoChanges).toEqual([]);
      expect(twice.runs.join("\n") === clean.runs.join("\n")).toBe(true);
    });
  });
});
