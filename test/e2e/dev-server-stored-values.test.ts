import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { RunRecord, StepRecord } from "../../core";
import { createLocalEngine, type LocalEngine } from "../../adapters/local/local-engine";
import { createDevHttpServer } from "../../dev/server/dev-server";
import { FerryApi } from "../support/ferry-api";

/** Past the last JavaScript date (8.64e15 ms): `toISOString` throws RangeError for it. */
const UNSHOWABLE = 9e15;
const T = Date.parse("2026-03-01T00:00:00Z");

/**
 * A stored value that cannot be shown never breaks a view: one run waiting until a time past
 * year 275760 used to make `GET /v1/runs` answer 500 for every run. The store is written directly
 * (no API accepts such a value any more) and read back over HTTP.
 */
describe("the dev server's views survive unshowable stored times", () => {
  let engine: LocalEngine;
  let server: Server;
  let api: FerryApi;
  const problems: unknown[] = [];

  const run = (id: string, extra: Partial<RunRecord> = {}): RunRecord => ({
    id,
    functionId: "app-f",
    appId: "app",
    functionVersion: 1,
    status: "Running",
    events: [{ id: "01EVENTFAR", name: "far/away", data: {}, user: {}, ts: T }],
    stack: [],
    pending: {},
    parallel: false,
    createdAt: T,
    version: 1,
    ...extra,
  });

  beforeAll(async () => {
    engine = createLocalEngine({ database: ":memory:", caller: { call: async () => Promise.reject(new Error("no calls in this test")) } });
    const { runs, events, skips } = engine.deps;
    await runs.putRun(run("01RUNFINE"), null);
    await runs.putRun(run("01RUNWAITING", { waiting: { type: "waiting-for-event", stepId: "w", event: "never/comes", until: UNSHOWABLE } }), null);
    await runs.putRun(run("01RUNENDED", { status: "Completed", startedAt: T, endedAt: UNSHOWABLE, createdAt: T + 1 }), null);
    const step: StepRecord = { runId: "01RUNWAITING", id: "w", name: "w", kind: "wait", status: "Waiting", attempts: 0, errors: [{ attempt: 0, at: -UNSHOWABLE, error: { name: "Error", message: "x" } }], startedAt: UNSHOWABLE, version: 1 };
    await runs.putStep(step, null);
    await events.putEvent({ id: "01EVENTFAR", name: "far/away", data: {}, user: {}, ts: T, receivedAt: UNSHOWABLE });
    await skips.putSkip({ eventId: "01EVENTFAR", functionId: "app-f", reason: "rate-limited", at: UNSHOWABLE });
    server = createDevHttpServer({ deps: engine.deps, syncApp: async (url) => ({ ok: false, url, error: "not here" }), idle: () => engine.idle() }, { onProblem: (_message, error) => problems.push(error), durable: () => engine.durable() });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = new FerryApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await engine?.close();
  });

  it("lists every run, showing null for the time it cannot show", async () => {
    const response = await api.request<{ data: { run_id: string; waiting?: { until: unknown }; ended_at: unknown; created_at: unknown }[] }>("GET", "/v1/runs");
    expect(response.status).toBe(200);
    const byId = new Map(response.body.data.map((view) => [view.run_id, view]));
    expect([...byId.keys()].sort()).toEqual(["01RUNENDED", "01RUNFINE", "01RUNWAITING"]);
    expect(byId.get("01RUNWAITING")?.waiting).toEqual({ type: "waiting-for-event", stepId: "w", event: "never/comes", until: null });
    expect(byId.get("01RUNENDED")?.ended_at).toBeNull();
    expect(byId.get("01RUNFINE")?.created_at).toBe("2026-03-01T00:00:00.000Z");
  });

  it("shows the run with its steps", async () => {
    const response = await api.request<{ data: { steps: { started_at: unknown; errors: { at: unknown }[] }[] } }>("GET", "/v1/runs/01RUNWAITING");
    expect(response.status).toBe(200);
    expect(response.body.data.steps[0]).toMatchObject({ started_at: null, errors: [{ at: null }] });
  });

  it("shows the event, its runs and its skips", async () => {
    const events = await api.request<{ data: { id: string; received_at: unknown }[] }>("GET", "/v1/events");
    expect(events.status).toBe(200);
    expect(events.body.data).toEqual([expect.objectContaining({ id: "01EVENTFAR", received_at: null })]);
    expect((await api.request("GET", "/v1/events/01EVENTFAR")).status).toBe(200);
    const outcome = await api.request<{ data: unknown[]; skipped: { at: unknown }[] }>("GET", "/v1/events/01EVENTFAR/runs");
    expect(outcome.status).toBe(200);
    expect(outcome.body.data).toHaveLength(3);
    expect(outcome.body.skipped).toEqual([expect.objectContaining({ reason: "rate-limited", at: null })]);
  });

  it("reported no problem (no 500 was answered)", () => {
    expect(problems).toEqual([]);
  });
});
