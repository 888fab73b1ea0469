import { Ferry } from "../client";
import { callRequest, fakeFetch, recordingLogger, testClient } from "../test-helpers";
import { createServeHandler } from "./serve-core";
import { resolveServeUrl } from "./sync";

const url = "http://localhost:3000/api/inngest";

describe("serve core", () => {
  it("skips signature checks in dev mode and sets SDK headers", async () => {
    const client = testClient({ signingKey: "signkey-test-aa" });
    const fn = client.createFunction({ id: "fn" }, { event: "e" }, async () => ({ ok: true }));
    const res = await createServeHandler({ client, functions: [fn] })({ method: "POST", url: `${url}?fnId=app-fn&stepId=step`, headers: {}, body: JSON.stringify(callRequest()) });
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"ok":true}');
    expect(res.headers).toMatchObject({ "content-type": "application/json", "x-inngest-sdk": "ferry:v0.1.0", "x-inngest-req-version": "2" });
    expect(res.headers["x-inngest-signature"]).toBeUndefined();
  });

  it("refuses calls outside dev mode when no signing key is configured", async () => {
    const client = new Ferry({ id: "app", isDev: false, env: {}, logger: recordingLogger() });
    const fn = client.createFunction({ id: "fn" }, { event: "e" }, async () => ({ ran: true }));
    const res = await createServeHandler({ client, functions: [fn] })({ method: "POST", url: `${url}?fnId=app-fn&stepId=step`, headers: {}, body: JSON.stringify(callRequest()) });
    expect(res.status).toBe(500);
    expect(res.body).toMatch(/no signing key configured/);
  });

  it("runs the onFailure handler with the deserialized error", async () => {
    const seen: unknown[] = [];
    const client = testClient();
    const fn = client.createFunction({ id: "pay", onFailure: ({ error, event }) => void seen.push(error.message, error.name, event.data.event.name) }, { event: "e" }, async () => null);
    const failed = { id: "f1", name: "inngest/function.failed", ts: 1, user: {}, data: { function_id: "app-pay", run_id: "r", error: { name: "TypeError", message: "card declined" }, event: { id: "e1", name: "shop/pay", data: {}, ts: 1, user: {} } } };
    const body = JSON.stringify({ ...callRequest(), event: failed, events: [failed] });
    const res = await createServeHandler({ client, functions: [fn] })({ method: "POST", url: `${url}?fnId=app-pay-failure&stepId=step`, headers: {}, body });
    expect(res.status).toBe(200);
    expect(seen).toEqual(["card declined", "TypeError", "shop/pay"]);
  });

  it("answers 405 to other methods and 400 to bad bodies", async () => {
    const client = testClient();
    const fn = client.createFunction({ id: "fn" }, { event: "e" }, async () => null);
    const handle = createServeHandler({ client, functions: [fn] });
    expect((await handle({ method: "DELETE", url, headers: {}, body: "" })).status).toBe(405);
    expect((await handle({ method: "POST", url: `${url}?fnId=app-fn`, headers: {}, body: "nope" })).status).toBe(400);
  });

  it("reports the engine's error when registration fails", async () => {
    const client = new Ferry({ id: "app", isDev: true, env: {}, fetch: fakeFetch(400, { error: "bad function" }), logger: recordingLogger() });
    const res = await createServeHandler({ client, functions: [] })({ method: "PUT", url, headers: {}, body: "" });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/bad function/);
  });

  it("refuses duplicate function ids", () => {
    const client = testClient();
    const a = client.createFunction({ id: "fn" }, { event: "e" }, async () => null);
    expect(() => createServeHandler({ client, functions: [a, a] })).toThrow(/duplicate/);
  });
});

describe("serve URL resolution", () => {
  const request = { method: "PUT", url: "http://internal:8080/api/inngest?x=1", headers: {}, body: "" };
  it("uses the request URL without its query", () => {
    expect(resolveServeUrl({ client: testClient(), functions: [] }, request, undefined)).toBe("http://internal:8080/api/inngest");
  });
  it("prefers the url the engine sent", () => {
    expect(resolveServeUrl({ client: testClient(), functions: [] }, request, "http://public/api/inngest")).toBe("http://public/api/inngest");
  });
  it("prefers serveOrigin / servePath, from options or INNGEST_SERVE_ORIGIN", () => {
    expect(resolveServeUrl({ client: testClient(), functions: [], serveOrigin: "https://app.example.com" }, request, undefined)).toBe("https://app.example.com/api/inngest");
    expect(resolveServeUrl({ client: testClient(), functions: [], servePath: "/ferry" }, request, undefined)).toBe("http://internal:8080/ferry");
    const client = new Ferry({ id: "app", isDev: true, env: { INNGEST_SERVE_ORIGIN: "https://env.example.com" } });
    expect(resolveServeUrl({ client, functions: [] }, request, undefined)).toBe("https://env.example.com/api/inngest");
  });
});
