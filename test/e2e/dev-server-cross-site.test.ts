import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";
import { rawRequest } from "../support/raw-request";

/**
 * A web page the developer visits must not post events or registrations to `ferry dev`, nor read
 * its API (cross-site requests, DNS rebinding); its own dashboard page and Node clients (SDKs,
 * curl) keep working. Browser headers are forged over a real socket to a real process.
 */
describe("ferry dev refuses cross-site requests", () => {
  let dev: DevServerProcess;
  let api: FerryApi;
  let own: string;
  let host: string;

  beforeAll(async () => {
    dev = await startDevServerProcess({ args: ["--quiet", "--allowed-host", "ferry.test"] });
    api = new FerryApi(dev.url);
    own = dev.url;
    host = new URL(dev.url).host;
  });
  afterAll(() => dev?.kill("SIGTERM"));

  const event = JSON.stringify({ name: "site/test", data: { n: 1 } });
  const eventCount = async () => (await api.request<{ data: unknown[] }>("GET", "/v1/events?limit=1000")).body.data.length;
  const registration = (id: string) =>
    JSON.stringify({ url: "http://127.0.0.1:1/api", appName: `site-${id}`, functions: [{ id, name: id, triggers: [{ event: "site/test" }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `http://127.0.0.1:1/api?fnId=${id}&stepId=step` } } } }] });

  it.each<[string, Record<string, string>]>([
    ["a page on another site", { origin: "http://evil.example", "content-type": "text/plain", "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" }],
    ["a page on another local port", { origin: "http://127.0.0.1:3000", "content-type": "application/json", "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" }],
    ["a sandboxed frame (Origin: null)", { origin: "null", "content-type": "text/plain" }],
    ["a cross-site form without Origin", { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" }],
  ])("answers 403 to an event posted by %s, and stores nothing", async (_what, headers) => {
    const before = await eventCount();
    const response = await rawRequest(own, "POST", "/e/any-key", headers, event);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ error: expect.stringMatching(/refused/), status: 403 });
    expect(await eventCount()).toBe(before);
  });

  it("answers 403 to a registration posted from another site, and registers nothing", async () => {
    const response = await rawRequest(own, "POST", "/fn/register", { origin: "http://evil.example", "content-type": "application/json" }, registration("evil-f"));
    expect(response.status).toBe(403);
    expect((await api.functions()).map((fn) => fn.id)).not.toContain("evil-f");
  });

  it("answers 403 to another site reading the API", async () => {
    const response = await rawRequest(own, "GET", "/v1/runs", { origin: "http://evil.example", "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" });
    expect(response.status).toBe(403);
    expect(response.text).not.toContain("data");
  });

  it.each(["evil.example", "evil.example:8288", "127.0.0.1.nip.example", "localhost.evil.example"])(
    "answers 403 to a request for host %s (DNS rebinding)",
    async (name) => {
      const response = await rawRequest(own, "GET", "/v1/runs", { host: name });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatch(/is not allowed \(DNS rebinding protection\); add it with --allowed-host/);
    },
  );

  it("answers 403 to a rebound name even when the page posts to itself", async () => {
    const before = await eventCount();
    const headers = { host: "evil.example", origin: "http://evil.example", "sec-fetch-site": "same-origin", "content-type": "application/json" };
    expect((await rawRequest(own, "POST", "/e/k", headers, event)).status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it.each(["localhost", "127.0.0.1", "[::1]", "ferry.test", "FERRY.TEST"])("answers requests for host %s:<port>", async (name) => {
    const response = await rawRequest(own, "GET", "/health", { host: `${name}:${new URL(own).port}` });
    expect(response.status).toBe(200);
  });

  it.each([
    ["text/plain", "text/plain;charset=UTF-8"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
  ])("answers 415 to its own page posting %s, and stores nothing", async (_what, type) => {
    const before = await eventCount();
    const response = await rawRequest(own, "POST", "/e/k", { origin: own, "sec-fetch-site": "same-origin", "content-type": type }, event);
    expect(response.status).toBe(415);
    expect(response.body.error).toMatch(/must send its body as application\/json/);
    expect(await eventCount()).toBe(before);
  });

  it("serves its own dashboard page and the API calls the page makes", async () => {
    const page = await rawRequest(own, "GET", "/", { host, "sec-fetch-site": "none", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/dashboard.js" defer></script>');
    const script = await rawRequest(own, "GET", "/dashboard.js", { host, "sec-fetch-site": "same-origin", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" });
    expect(script.status).toBe(200);
    expect(script.text).toContain("/v1/runs");
    const runs = await rawRequest<{ data: unknown[] }>(own, "GET", "/v1/runs?limit=50", { host, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" });
    expect(runs.status).toBe(200);
    expect(runs.body.data).toBeInstanceOf(Array);
    const posted = await rawRequest<{ ids: string[] }>(own, "POST", "/e/k", { origin: own, "sec-fetch-site": "same-origin", "content-type": "application/json" }, event);
    expect(posted.status).toBe(200);
    expect(posted.body.ids).toHaveLength(1);
  });

  it("opens the dashboard from a link on another site (a navigation cannot read or change anything)", async () => {
    const page = await rawRequest(own, "GET", "/", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" });
    expect(page.status).toBe(200);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("keeps accepting Node clients without Origin, whatever their content type (SDKs, curl -d, fetch)", async () => {
    const before = await eventCount();
    const fetched = await fetch(`${own}/e/k`, { method: "POST", body: event }); // text/plain;charset=UTF-8
    expect(fetched.status).toBe(200);
    const curl = await rawRequest(own, "POST", "/e/k", { "content-type": "application/x-www-form-urlencoded", "user-agent": "curl/8.5.0" }, event);
    expect(curl.status).toBe(200);
    const registered = await rawRequest(own, "POST", "/fn/register", { "content-type": "application/json" }, registration("node-f"));
    expect(registered.status).toBe(200);
    expect(await eventCount()).toBe(before + 2);
    expect((await api.functions()).map((fn) => fn.id)).toContain("node-f");
  });
});
