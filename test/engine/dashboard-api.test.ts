import type { Ferry } from "@ferry/sdk";
import { buildEngineRouter } from "../../adapters/http/api/engine-router";
import type { SyncResult } from "../../adapters/http/app-sync";
import { startInProcessFerry, T0, type InProcessFerry } from "../support/in-process-ferry";
import { routerFetch } from "../support/router-fetch";

/**
 * The REST API the dashboard reads (and nothing else: it has no back door), on the real engine
 * and a virtual clock: run listings with filters and cursors, a run's page (steps, ops in flight,
 * events, invoked children), events and why they started nothing, flow-control state, sending
 * events with the signing key, the last sync result, and the long poll that drives live pages.
 */
describe("REST API for the dashboard", () => {
  let ferry!: InProcessFerry;
  let syncResult: SyncResult;
  const live = new AbortController();

  afterEach(() => ferry?.close());

  async function start(build: (client: Ferry) => ReturnType<Ferry["createFunction"]>[]): Promise<void> {
    ferry = await startInProcessFerry(build);
    syncResult = { ok: true, url: "", modified: false };
  }

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const router = buildEngineRouter({ deps: ferry.engine.deps, syncApp: async () => syncResult, live: { pollMs: 5, signal: live.signal } });
    const response = await routerFetch(router)(`http://ferry.test${path}`, { method, headers: {}, body: body === undefined ? "" : JSON.stringify(body) });
    return { status: response.status, json: JSON.parse(await response.text()) as Record<string, unknown> };
  }
  const get = async (path: string) => {
    const response = await call("GET", path);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(response.json)}`);
    return response.json;
  };
  const rows = (json: Record<string, unknown>) => json.data as Record<string, unknown>[];

  function sleeperAndNapper(client: Ferry) {
    return [
      client.createFunction({ id: "quick" }, { event: "t/quick" }, async ({ event }) => event.data.n),
      client.createFunction({ id: "napper" }, { event: "t/nap" }, async ({ step }) => {
        await step.sleep("nap", "1h");
        return "rested";
      }),
      client.createFunction({ id: "waiter" }, { event: "t/wait" }, async ({ step }) => step.waitForEvent("reply", { event: "t/reply", timeout: "2h", if: "async.data.ok == true" })),
    ];
  }

  it("pages through runs newest first with every filter, each run once", async () => {
    await start(sleeperAndNapper);
    for (let n = 0; n < 7; n++) {
      await ferry.send({ name: "t/quick", data: { n } });
      await ferry.idle(); // routed (the run created) at T0 + n seconds
      await ferry.advance(1000);
    }
    await ferry.send([{ name: "t/nap" }, { name: "t/wait" }]);
    await ferry.idle();

    const seen: string[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const page = await get(`/v1/runs?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...rows(page).map((run) => run.run_id as string));
      cursor = page.next_cursor as string | null;
      pages++;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(pages).toBeGreaterThanOrEqual(3);
    const all = rows(await get("/v1/runs?limit=100"));
    expect(all.map((run) => run.run_id)).toEqual(seen);

    expect(rows(await get("/v1/runs?function_id=app-quick")).map((run) => run.phase)).toEqual(Array(7).fill("completed"));
    expect(rows(await get("/v1/runs?phase=sleeping")).map((run) => run.function_id)).toEqual(["app-napper"]);
    expect(rows(await get("/v1/runs?phase=waiting")).map((run) => run.function_id)).toEqual(["app-waiter"]);
    expect(rows(await get("/v1/runs?status=Running")).map((run) => run.function_id).sort()).toEqual(["app-napper", "app-waiter"]);
    // Created at or after `from`, before `to`: the runs of the 3rd, 4th and 5th second.
    const window = rows(await get(`/v1/runs?function_id=app-quick&from=${new Date(T0 + 2000).toISOString()}&to=${T0 + 5000}`));
    expect(window.map((run) => run.output)).toEqual([4, 3, 2]);
  });

  it("looks up an id as a run, an event or neither, without a 404", async () => {
    await start(sleeperAndNapper);
    const [eventId] = await ferry.send({ name: "t/quick", data: { n: 1 } });
    await ferry.idle();
    const [run] = rows(await get(`/v1/events/${eventId}/runs`));
    expect((await get(`/v1/lookup/${run?.run_id}`)).data).toEqual({ run: true, event: false });
    expect((await get(`/v1/lookup/${eventId}`)).data).toEqual({ run: false, event: true });
    expect((await get("/v1/lookup/nothing-here")).data).toEqual({ run: false, event: false });
  });

  it("refuses malformed listing parameters with a 400 that says which", async () => {
    await start(sleeperAndNapper);
    for (const [query, message] of [
      ["phase=asleep", /phase must be one of/],
      ["status=Done", /status must be one of/],
      ["cursor=not-a-cursor", /cursor is not one this API handed out/],
      ["from=yesterday", /from must be an ISO date-time/],
      ["limit=0", /limit must be an integer/],
    ] as const) {
      const response = await call("GET", `/v1/runs?${query}`);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatch(message);
    }
    expect((await call("GET", "/v1/events?cursor=%7B%7D")).status).toBe(400);
    expect((await call("GET", "/v1/live?timeout_ms=99999")).status).toBe(400);
  });

  it("shows a run's page: ops in flight with their wake-up, the awaited event and expression, and the trigger", async () => {
    await start(sleeperAndNapper);
    const [napEvent, waitEvent] = await ferry.send([{ name: "t/nap", data: { who: "<b>me</b>" } }, { name: "t/wait" }]);
    await ferry.idle();
    const [napper] = rows(await get(`/v1/events/${napEvent}/runs`));
    const nap = (await get(`/v1/runs/${napper?.run_id}`)).data as Record<string, unknown>;
    expect(nap).toMatchObject({
      phase: "sleeping",
      waiting: { type: "sleeping", until: new Date(T0 + 3_600_000).toISOString() },
      pending: [{ kind: "sleep", name: "nap", until: new Date(T0 + 3_600_000).toISOString() }],
      events: [{ id: napEvent, name: "t/nap", data: { who: "<b>me</b>" } }],
    });
    const [waiter] = rows(await get(`/v1/events/${waitEvent}/runs`));
    expect((await get(`/v1/runs/${waiter?.run_id}`)).data).toMatchObject({
      phase: "waiting",
      pending: [{ kind: "wait", event: "t/reply", expression: "async.data.ok == true", until: new Date(T0 + 7_200_000).toISOString() }],
    });
  });

  it("links an invoke step to the run it started, and that run back to its parent", async () => {
    await start((client) => {
      const child = client.createFunction({ id: "child" }, { event: "t/child" }, async ({ event }) => Number(event.data.n) * 2);
      return [
        child,
        client.createFunction({ id: "parent" }, { event: "t/parent" }, async ({ step }) => step.invoke("call-child", { function: child, data: { n: 21 } })),
      ];
    });
    const [eventId] = await ferry.send({ name: "t/parent" });
    await ferry.idle();
    const [parent] = rows(await get(`/v1/events/${eventId}/runs`));
    const detail = (await get(`/v1/runs/${parent?.run_id}`)).data as { output: unknown; steps: Record<string, unknown>[] };
    expect(detail.output).toBe(42);
    const invoke = detail.steps.find((step) => step.kind === "invoke");
    expect(invoke?.child_run_id).toEqual(expect.any(String));
    const child = (await get(`/v1/runs/${invoke?.child_run_id}`)).data;
    expect(child).toMatchObject({ function_id: "app-child", output: 42, parent_run_id: parent?.run_id, parent_step_id: invoke?.id });
  });

  it("sends events with the REST API, and explains an event that matched no function", async () => {
    await start(sleeperAndNapper);
    const sent = await call("POST", "/v1/events", [{ name: "t/quick", data: { n: 5 } }, { name: "nobody/listens" }]);
    expect(sent.status).toBe(200);
    const [quick, orphan] = (sent.json.data as { ids: string[] }).ids;
    await ferry.idle();
    expect(await get(`/v1/events/${quick}/runs`)).toMatchObject({ data: [{ function_id: "app-quick", output: 5 }], matched: ["app-quick"], skipped: [], pending: [] });
    expect(await get(`/v1/events/${orphan}/runs`)).toEqual({ data: [], matched: [], skipped: [], pending: [] });

    // A bad batch is refused whole: nothing of it is stored.
    const before = rows(await get("/v1/events?limit=100")).length;
    const refused = await call("POST", "/v1/events", [{ name: "t/quick" }, { data: {} }]);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/name/);
    expect(rows(await get("/v1/events?limit=100"))).toHaveLength(before);
  });

  it("pages through events newest first", async () => {
    await start(sleeperAndNapper);
    // No function listens, so no run adds its own `inngest/function.finished` event in between.
    for (let n = 0; n < 5; n++) {
      await ferry.send({ name: "t/nobody", data: { n } });
      await ferry.advance(10);
    }
    const first = await get("/v1/events?limit=2");
    const second = await get(`/v1/events?limit=2&cursor=${first.next_cursor}`);
    const third = await get(`/v1/events?limit=2&cursor=${second.next_cursor}`);
    expect([...rows(first), ...rows(second), ...rows(third)].map((event) => (event.data as { n: number }).n)).toEqual([4, 3, 2, 1, 0]);
    expect(third.next_cursor).toBeNull();
  });

  it("shows flow-control state per key: concurrency in use and backlog, a debounce held", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await start((client) => [
      client.createFunction({ id: "limited", concurrency: { limit: 1, key: "event.data.user" } }, { event: "t/limited" }, async ({ step }) => step.run("work", () => gate)),
      client.createFunction({ id: "debounced", debounce: { period: "5s", key: "event.data.doc" } }, { event: "t/edit" }, async () => "saved"),
    ]);
    await ferry.send([{ name: "t/limited", data: { user: "ann" } }, { name: "t/limited", data: { user: "ann" } }, { name: "t/limited", data: { user: "bob:1" } }]);
    const [edit] = await ferry.send({ name: "t/edit", data: { doc: "d1" } });
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));

    const limited = (await get("/v1/functions/app-limited/flow")).data as { items: Record<string, unknown>[] };
    expect(limited.items).toEqual([
      { kind: "concurrency", key: "ann", fields: { scope: "fn", limit: 1, in_use: 1, backlog: 1 } },
      { kind: "concurrency", key: "bob:1", fields: { scope: "fn", limit: 1, in_use: 1, backlog: 0 } },
    ]);
    const debounced = (await get("/v1/functions/app-debounced/flow")).data as { items: Record<string, unknown>[] };
    expect(debounced.items).toEqual([{ kind: "debounce", key: "d1", fields: { event_id: edit, first_at: new Date(T0).toISOString(), fires_at: new Date(T0 + 5000).toISOString() } }]);
    expect((await call("GET", "/v1/functions/app-nothing/flow")).status).toBe(404);
    release();
    await ferry.idle();
  });

  it("shows an app's last sync result, a failed one included", async () => {
    await start(sleeperAndNapper);
    const [app] = rows(await get("/v1/apps"));
    expect(app).toMatchObject({ id: "app", last_sync: { ok: true, at: new Date(T0).toISOString() } });
    syncResult = { ok: false, url: app?.url as string, error: "could not reach it" };
    const failed = await call("POST", "/v1/apps/sync", { url: app?.url });
    expect(failed).toMatchObject({ status: 502, json: { error: "could not reach it" } });
    expect(rows(await get("/v1/apps"))[0]).toMatchObject({ last_sync: { ok: false, error: "could not reach it" } });
  });

  describe("GET /v1/live", () => {
    it("answers at once without a token, holds while nothing changes, and wakes on a change", async () => {
      await start(sleeperAndNapper);
      const [napEvent] = await ferry.send({ name: "t/nap" });
      await ferry.idle();
      const [run] = rows(await get(`/v1/events/${napEvent}/runs`));
      const first = (await get(`/v1/live?run_id=${run?.run_id}`)).data as { token: string; changed: boolean };
      expect(first.changed).toBe(true);

      const quiet = (await get(`/v1/live?run_id=${run?.run_id}&token=${first.token}&timeout_ms=50`)).data;
      expect(quiet).toEqual({ token: first.token, changed: false });

      // The run wakes while the poll is held: the poll answers with a new token.
      const held = get(`/v1/live?run_id=${run?.run_id}&token=${first.token}&timeout_ms=10000`);
      const startedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      await ferry.advance(3_600_000);
      const woken = (await held).data as { token: string; changed: boolean };
      expect(woken.changed).toBe(true);
      expect(woken.token).not.toBe(first.token);
      expect(Date.now() - startedAt).toBeLessThan(5000);
    });

    it("wakes a page for what it shows: its rows' state, not another function's runs", async () => {
      await start(sleeperAndNapper);
      const [napEvent] = await ferry.send({ name: "t/nap" });
      await ferry.idle();
      const [napper] = rows(await get(`/v1/events/${napEvent}/runs`));
      const poll = async (query: string, token = "") => (await get(`/v1/live?${query}&token=${token}&timeout_ms=20`)).data as { token: string; changed: boolean };
      const quickPage = (await poll("function_id=app-quick")).token;
      const napperPage = (await poll(`function_id=app-napper&runs=${napper?.run_id}`)).token;
      const eventsPage = (await poll("events=1&function_id=app-quick")).token;
      // The napper wakes and completes: no new run, but a new event (`inngest/function.finished`).
      await ferry.advance(3_600_000);
      expect(await poll("function_id=app-quick", quickPage)).toEqual({ token: quickPage, changed: false });
      expect((await poll(`function_id=app-napper&runs=${napper?.run_id}`, napperPage)).changed).toBe(true);
      expect((await poll("events=1&function_id=app-quick", eventsPage)).changed).toBe(true);
    });

    it("wakes an event's page when flow control holds it (a batch fills), though no run starts", async () => {
      await start((client) => [client.createFunction({ id: "bulk", batchEvents: { maxSize: 3, timeout: "10s" } }, { event: "t/bulk" }, async ({ events }) => events.length)]);
      const [first] = await ferry.send({ name: "t/bulk", data: { n: 1 } });
      await ferry.idle();
      const poll = async (token = "") => (await get(`/v1/live?event_id=${first}&token=${token}&timeout_ms=20`)).data as { token: string; changed: boolean };
      const held = (await poll()).token;
      expect(await poll(held)).toEqual({ token: held, changed: false });
      await ferry.send({ name: "t/bulk", data: { n: 2 } }); // joins the batch: 2 of 3, still no run
      await ferry.idle();
      expect((await get(`/v1/events/${first}/runs`)).pending).toEqual([expect.objectContaining({ reason: "batch", batch_size: 2 })]);
      expect((await poll(held)).changed).toBe(true);
    });

    it("stops holding a poll when its client goes away", async () => {
      await start(sleeperAndNapper);
      const { token } = (await get("/v1/live")).data as { token: string };
      const router = buildEngineRouter({ deps: ferry.engine.deps, syncApp: async () => syncResult, live: { pollMs: 5 } });
      const match = router.match("GET", "/v1/live");
      if (!("handler" in match)) throw new Error("no /v1/live route");
      const gone = new AbortController();
      const query = new URLSearchParams({ token, timeout_ms: "20000" });
      const startedAt = Date.now();
      const held = match.handler({ method: "GET", path: "/v1/live", query, headers: {}, body: "", params: {}, signal: gone.signal });
      setTimeout(() => gone.abort(), 20);
      expect((await held).json).toEqual({ data: { token, changed: false } });
      expect(Date.now() - startedAt).toBeLessThan(2000);
    });

    it("answers held polls at once when the server stops", async () => {
      await start(sleeperAndNapper);
      const { token } = (await get("/v1/live")).data as { token: string };
      const held = get(`/v1/live?token=${token}&timeout_ms=20000`);
      const startedAt = Date.now();
      live.abort();
      expect(((await held).data as { changed: boolean }).changed).toBe(false);
      expect(Date.now() - startedAt).toBeLessThan(2000);
    });
  });
});
