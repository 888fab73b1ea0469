import { createHash } from "node:crypto";
import { hashSigningKey, signBody, verifySignature } from "../signing";
import { conformanceApp, conformanceKeys, startFakeEngine, type FakeEngine } from "./conformance-fixtures";
import type { ServeOptions } from "./serve-types";

/** A request the suite sends; `path` includes the query string. */
export interface HarnessRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A response as the suite reads it; header names lower-case. */
export interface HarnessResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A running adapter. */
export interface HarnessInstance {
  send(request: HarnessRequest): Promise<HarnessResponse>;
  stop(): Promise<void>;
}

/**
 * Wraps one serve adapter for the conformance suite: `start` mounts `serve(options)` (on a real
 * server, or by invoking the handler directly) at path `/api/inngest`.
 */
export interface ConformanceHarness {
  name: string;
  start(options: ServeOptions): Promise<HarnessInstance>;
}

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const path = (fnId: string, stepId = "step") => `/api/inngest?fnId=conf-${fnId}&stepId=${stepId}`;

function call(steps: Record<string, unknown> = {}, ctx: Record<string, unknown> = {}): string {
  const event = { id: "e1", name: "conf/steps", data: { n: 7 }, ts: 1, user: {} };
  return JSON.stringify({ event, events: [event], steps, version: -1, ctx: { run_id: "r1", attempt: 0, stack: { stack: [] }, disable_immediate_execution: false, ...ctx } });
}

function signed(body: string, key = conformanceKeys.signingKey, now = Date.now()): Record<string, string> {
  return { "content-type": "application/json", "x-inngest-signature": signBody(body, key, now) };
}

/**
 * Defines the adapter conformance tests (jest `describe`/`it`) for one harness.
 *
 * @example
 * ```ts
 * runConformance({ name: "node", start: async (o) => nodeHarness(o) });
 * ```
 */
export function runConformance(harness: ConformanceHarness): void {
  describe(`serve conformance: ${harness.name}`, () => {
    let engine: FakeEngine;
    let app: HarnessInstance;
    const post = (fnId: string, body: string, headers = signed(body), stepId = "step") => app.send({ method: "POST", path: path(fnId, stepId), headers, body });

    beforeAll(async () => {
      engine = await startFakeEngine();
      app = await harness.start(conformanceApp(engine.url));
    });
    afterAll(async () => {
      await app.stop();
      await engine.close();
    });

    it("GET answers introspection", async () => {
      const res = await app.send({ method: "GET", path: "/api/inngest" });
      expect(res.status).toBe(200);
      expect(res.headers["x-inngest-sdk"]).toBe("ferry:v0.1.0");
      expect(JSON.parse(res.body)).toMatchObject({ function_count: 4, has_signing_key: true, mode: "cloud" });
    });

    it("PUT posts the registration to the engine", async () => {
      const res = await app.send({ method: "PUT", path: "/api/inngest", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: "http://app.test/api/inngest" }) });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ message: "Successfully registered", modified: true });
      const reg = engine.requests.at(-1);
      expect(reg?.url).toBe("/fn/register");
      expect(reg?.headers.authorization).toBe(`Bearer ${hashSigningKey(conformanceKeys.signingKey)}`);
      expect(reg?.headers["x-inngest-sync-kind"]).toBe("out_of_band");
      expect(reg?.body).toMatchObject({ url: "http://app.test/api/inngest", v: "0.1", deployType: "ping", sdk: "ferry:v0.1.0", appName: "conf" });
      const fns = (reg?.body as { functions: { id: string; steps: { step: { runtime: { url: string } } } }[] }).functions;
      expect(fns.map((f) => f.id)).toEqual(["conf-steps", "conf-parallel", "conf-fails", "conf-fatal"]);
      expect(fns[0]?.steps.step.runtime.url).toBe("http://app.test/api/inngest?fnId=conf-steps&stepId=step");
    });

    it("POST discovery runs a lone step at once, or plans it when immediate execution is off", async () => {
      const ran = await post("steps", call());
      expect(ran.status).toBe(206);
      expect(JSON.parse(ran.body)).toEqual([{ op: "StepRun", id: sha1("a"), name: "a", displayName: "a", opts: { type: "step" }, data: "a:7", timing: { a: expect.any(Number), b: expect.any(Number) } }]);
      const planned = await post("steps", call({}, { disable_immediate_execution: true }));
      expect(JSON.parse(planned.body)).toEqual([{ op: "StepPlanned", id: sha1("a"), name: "a", displayName: "a", opts: { type: "step" } }]);
      const parallel = await post("parallel", call());
      expect((JSON.parse(parallel.body) as { op: string }[]).map((o) => o.op)).toEqual(["StepPlanned", "StepPlanned"]);
    });

    it("POST with fn_id and qi_id runs every step in one call, checkpointing each to the engine", async () => {
      const before = engine.requests.length;
      const res = await post("steps", call({}, { fn_id: "fn-internal", qi_id: "qi1" }));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ a: "a:7", b: "b" });
      const checkpoints = engine.requests.slice(before);
      expect(checkpoints.map((r) => r.url)).toEqual(["/v1/checkpoint/r1/async", "/v1/checkpoint/r1/async"]);
      expect(checkpoints[0]?.headers.authorization).toBe(`Bearer ${hashSigningKey(conformanceKeys.signingKey)}`);
      expect(checkpoints.map((r) => r.body)).toMatchObject([
        { run_id: "r1", fn_id: "fn-internal", qi_id: "qi1", steps: [{ op: "StepRun", id: sha1("a"), data: "a:7" }] },
        { run_id: "r1", fn_id: "fn-internal", qi_id: "qi1", steps: [{ op: "StepRun", id: sha1("b"), data: "b" }] },
      ]);
    });

    it("POST with every step memoized returns 200 with the result", async () => {
      const res = await post("steps", call({ [sha1("a")]: { data: "A" }, [sha1("b")]: { data: "B" } }));
      expect(res.status).toBe(200);
      expect(res.headers["x-inngest-sdk"]).toBe("ferry:v0.1.0");
      expect(JSON.parse(res.body)).toEqual({ a: "A", b: "B" });
    });

    it("a failing step is StepError while retries remain, StepFailed at the last attempt", async () => {
      const first = await post("fails", call());
      expect(first.status).toBe(206);
      expect(JSON.parse(first.body)).toMatchObject([{ op: "StepError", id: sha1("boom"), error: { name: "TypeError", message: "kaboom" } }]);
      const last = await post("fails", call({}, { attempt: 2, max_attempts: 3 }));
      expect(JSON.parse(last.body)).toMatchObject([{ op: "StepFailed", id: sha1("boom") }]);
      const targeted = await post("fails", call(), undefined, sha1("boom"));
      expect(JSON.parse(targeted.body)).toMatchObject([{ op: "StepError" }]);
    });

    it("NonRetriableError answers 400 with X-Inngest-No-Retry: true", async () => {
      const res = await post("fatal", call());
      expect(res.status).toBe(400);
      expect(res.headers["x-inngest-no-retry"]).toBe("true");
      expect(JSON.parse(res.body)).toMatchObject({ name: "NonRetriableError", message: "give up" });
    });

    it("checks signatures: missing, expired and wrong are 401; fallback key works", async () => {
      const body = call({ [sha1("a")]: { data: "A" }, [sha1("b")]: { data: "B" } });
      expect((await post("steps", body, { "content-type": "application/json" })).status).toBe(401);
      expect((await post("steps", body, signed(body, conformanceKeys.signingKey, Date.now() - 10 * 60_000))).status).toBe(401);
      expect((await post("steps", body, signed(`${body} `))).status).toBe(401);
      expect((await post("steps", body, signed(body, conformanceKeys.fallback))).status).toBe(200);
    });

    it("signs its responses", async () => {
      const res = await post("steps", call({ [sha1("a")]: { data: "A" }, [sha1("b")]: { data: "B" } }));
      expect(verifySignature(res.headers["x-inngest-signature"], res.body, { signingKey: conformanceKeys.signingKey })).toBeUndefined();
    });

    it("rejects an unknown function", async () => {
      const body = call();
      expect((await post("nope", body)).status).toBe(400);
    });
  });
}
