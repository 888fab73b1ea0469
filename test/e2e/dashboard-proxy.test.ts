import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalEngine, type LocalEngine } from "../../adapters/local/local-engine";
import { parseDashboardOptions } from "../../dev/dashboard-proxy/dashboard-options";
import { startDashboardProxy, type DashboardProxy } from "../../dev/dashboard-proxy/dashboard-proxy";
import { createDevHttpServer } from "../../dev/server/dev-server";
import { rawRequest } from "../support/raw-request";

const SIGNING_KEY = "signkey-test-0123456789abcdef";

/**
 * `ferry dashboard --api <url> --signing-key <key>` against a real engine API that requires the
 * key on every `/v1` route, as a deployment's does: the page is served locally, its API calls
 * reach the engine with the hashed key added, and the key never reaches the browser.
 */
describe("ferry dashboard (the dashboard of another Ferry)", () => {
  let engine: LocalEngine;
  let api: Server;
  let apiUrl: string;
  let proxy: DashboardProxy | undefined;

  beforeAll(async () => {
    // No app: these tests send events to no function and read them back.
    engine = createLocalEngine({ database: ":memory:", caller: { call: async () => ({ status: 500, body: "", headers: {} }) } });
    engine.start();
    api = createDevHttpServer(
      { deps: engine.deps, signingKeys: [SIGNING_KEY], authorizeRestApi: true, syncApp: async (url) => ({ ok: false, url, error: "no app" }), idle: () => engine.idle() },
      { onProblem: () => undefined, durable: () => engine.durable() },
    );
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => api.close(() => resolve()));
    await engine.close();
  });

  it("serves the page and passes API calls on with the hashed signing key", async () => {
    proxy = await startDashboardProxy({ api: apiUrl, signingKey: SIGNING_KEY, port: 0, host: "127.0.0.1" });
    expect((await fetch(`${apiUrl}/v1/runs`)).status).toBe(401);

    const page = await fetch(`${proxy.url}/`);
    const html = await page.text();
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(html).toContain("/dashboard.js");
    expect(html).not.toContain(SIGNING_KEY);
    expect((await fetch(`${proxy.url}/dashboard.js`)).status).toBe(200);

    const sent = await rawRequest<{ data: { ids: string[] } }>(proxy.url, "POST", "/v1/events", { "content-type": "application/json" }, JSON.stringify({ name: "proxy/test", data: { n: 1 } }));
    expect(sent.status).toBe(200);
    const [id] = sent.body.data.ids;
    const event = await (await fetch(`${proxy.url}/v1/events/${id}`)).json();
    expect(event).toMatchObject({ data: { id, name: "proxy/test", data: { n: 1 } } });
    const missing = await fetch(`${proxy.url}/v1/runs/nope`);
    expect(missing.status).toBe(404);
  });

  it("shows the API's refusal when the key is wrong, and a 502 when the API is down", async () => {
    proxy = await startDashboardProxy({ api: apiUrl, signingKey: "signkey-wrong", port: 0, host: "127.0.0.1" });
    expect((await fetch(`${proxy.url}/v1/runs`)).status).toBe(401);
    await proxy.close();
    proxy = await startDashboardProxy({ api: "http://127.0.0.1:9", port: 0, host: "127.0.0.1" });
    const down = await fetch(`${proxy.url}/v1/runs`);
    expect(down.status).toBe(502);
    expect(((await down.json()) as { error: string }).error).toMatch(/could not reach/);
  });

  it("refuses requests another web site could make: it holds a key that can cancel runs", async () => {
    proxy = await startDashboardProxy({ api: apiUrl, signingKey: SIGNING_KEY, port: 0, host: "127.0.0.1" });
    const crossSite = await rawRequest(proxy.url, "POST", "/v1/events", { origin: "https://evil.example", "content-type": "application/json" }, JSON.stringify({ name: "x" }));
    expect(crossSite.status).toBe(403);
    const rebound = await rawRequest(proxy.url, "GET", "/v1/runs", { host: "evil.example" });
    expect(rebound.status).toBe(403);
  });

  it("parses its options, with the key from the environment and a clear error for a missing --api", () => {
    expect(parseDashboardOptions(["--api", "https://x.example/"], { FERRY_SIGNING_KEY: "k" })).toEqual({ api: "https://x.example", signingKey: "k", port: 8289, host: "127.0.0.1" });
    expect(() => parseDashboardOptions([], {})).toThrow("--api <url> is required");
    expect(() => parseDashboardOptions(["--api", "file:///etc"], {})).toThrow(/http\(s\) URL/);
  });
});
