import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";
import { rawRequest } from "../support/raw-request";

/**
 * Bad input to a real `ferry dev` process gets a clear 4xx and stores nothing; good input next
 * to it is unaffected.
 */
describe("ferry dev rejects bad input without losing accepted events", () => {
  let dev: DevServerProcess;
  let api: FerryApi;

  beforeAll(async () => {
    dev = await startDevServerProcess({ args: ["--quiet", "--event-key", "secret-key"] });
    api = new FerryApi(dev.url);
  });
  afterAll(() => dev?.kill("SIGTERM"));

  const post = (path: string, body: string) => api.request<{ error?: string; ids?: string[]; status: number }>("POST", path, body);
  const eventCount = async () => (await api.request<{ data: unknown[] }>("GET", "/v1/events?limit=1000")).body.data.length;

  it.each([
    ["malformed JSON", "{not json", /not valid JSON/],
    ["an empty body", "", /empty/],
    ["a missing name", JSON.stringify({ data: {} }), /missing "name"/],
    ["non-object data", JSON.stringify({ name: "a/b", data: [1, 2] }), /"data" must be an object/],
    ["a bad event in a batch", JSON.stringify([{ name: "ok/one" }, { name: "" }]), /event\[1\] is missing "name"/],
    ["an oversized event", JSON.stringify({ name: "big/one", data: { blob: "x".repeat(300 * 1024) } }), /bytes; the limit is/],
    ["an empty array", "[]", /no events/],
    ["100,000 levels of [", "[".repeat(100_000), /nests arrays\/objects deeper than 128 levels/],
    ["balanced nesting 100,000 deep", "[".repeat(100_000) + "]".repeat(100_000), /deeper than 128 levels/],
    ["event data nested 100,000 deep", `{"name":"deep/one","data":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`, /deeper than 128 levels/],
    ["event data nested 200 deep", `{"name":"deep/one","data":${'{"a":'.repeat(200)}1${"}".repeat(200)}}`, /deeper than 128 levels/],
  ])("answers 400 to %s and stores nothing of it", async (_what, body, message) => {
    const before = await eventCount();
    const response = await post("/e/secret-key", body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
    expect(await eventCount()).toBe(before);
  });

  it("accepts event data nested just under the limit", async () => {
    const data = `${'{"a":'.repeat(126)}1${"}".repeat(126)}`;
    const response = await post("/e/secret-key", `{"name":"deep/ok","data":${data}}`);
    expect(response.status).toBe(200);
    const stored = await api.request<{ data: { data: unknown } }>("GET", `/v1/events/${response.body.ids?.[0]}`);
    expect(JSON.stringify(stored.body.data.data)).toBe(data);
  });

  it.each([
    ["GET", "/v1/runs/%E0%A4%A"],
    ["GET", "/v1/events/%"],
    ["GET", "/v1/events/%ZZ/runs"],
    ["POST", "/v1/runs/%C0%80/cancel"],
    ["POST", "/e/%"],
  ])("answers 400 to %s %s (malformed percent-encoding)", async (method, path) => {
    const before = await eventCount();
    const response = await rawRequest(dev.url, method, path, { "content-type": "application/json" }, method === "POST" ? JSON.stringify({ name: "a/b" }) : undefined);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringMatching(/^path segment ".*" is not valid percent-encoding$/), status: 400 });
    expect(await eventCount()).toBe(before);
  });

  it("answers 413 to a request body over 32 MB and stores nothing of it", async () => {
    const before = await eventCount();
    const events = Array.from({ length: 140 }, (_, i) => ({ name: "big/batch", data: { i, blob: "x".repeat(240 * 1024) } }));
    const response = await post("/e/secret-key", JSON.stringify(events));
    expect(response.status).toBe(413);
    expect(response.body.error).toMatch(/exceeds/);
    expect(await eventCount()).toBe(before);
  });

  it("answers 401 to an unknown event key", async () => {
    const response = await post("/e/wrong-key", JSON.stringify({ name: "a/b" }));
    expect(response.status).toBe(401);
  });

  it("accepts a batch and deduplicates a sender-given id", async () => {
    const first = await post("/e/secret-key", JSON.stringify([{ name: "order/placed", id: "order-1", data: { n: 1 } }, { name: "order/placed", data: { n: 2 } }]));
    expect(first.status).toBe(200);
    expect(first.body.ids).toHaveLength(2);
    const again = await post("/e/secret-key", JSON.stringify({ name: "order/placed", id: "order-1", data: { n: 3 } }));
    expect(again.body.ids).toEqual([first.body.ids?.[0]]);
    const stored = await api.request<{ data: { data: unknown } }>("GET", `/v1/events/${first.body.ids?.[0]}`);
    expect(stored.body.data.data).toEqual({ n: 1 });
  });

  it("rejects a registration that is not valid, naming the problem", async () => {
    const response = await post("/fn/register", JSON.stringify({ url: "http://127.0.0.1:1/api", appName: "bad", functions: [{ id: "bad-f", name: "f" }] }));
    expect(response.status).toBe(400);
    expect(response.body.error).toBeTruthy();
    expect((await api.functions()).map((fn) => fn.id)).not.toContain("bad-f");
  });

  const registration = (id: string, fn: Record<string, unknown> = {}, url = "http://127.0.0.1:1/api") =>
    JSON.stringify({
      url,
      appName: `app-${id}`,
      functions: [{ id, name: id, triggers: [{ event: "reg/test" }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `http://127.0.0.1:1/api?fnId=${id}&stepId=step` } } }, ...fn }],
    });
  const stepUrl = (url: string) => ({ steps: { step: { id: "step", name: "step", runtime: { type: "http", url } } } });

  it.each([
    ["an app url file:///etc/passwd", registration("bad-file", {}, "file:///etc/passwd"), /url: must be an http:\/\/ or https:\/\/ URL/],
    ["an app url javascript:", registration("bad-js", {}, "javascript:alert(1)"), /url: must be an http/],
    ["an app url ftp://", registration("bad-ftp", {}, "ftp://x"), /url: must be an http/],
    ["a step url file:", registration("bad-step", stepUrl("file:///etc/passwd")), /function "bad-step".*steps\.step\.runtime\.url: must be an http/],
    ["a negative timeouts.start", registration("bad-start", { timeouts: { start: -1 } }), /function "bad-start": timeouts\.start: -1 is not a non-negative duration/],
    ["a negative timeouts.finish", registration("bad-finish", { timeouts: { finish: "-5m" } }), /timeouts\.finish: "-5m" is not a non-negative duration/],
    ["an infinite timeouts.finish (1e400)", registration("bad-inf", { timeouts: { finish: "INF" } }).replace('"INF"', "1e400"), /timeouts\.finish: Infinity is not/],
    ["a negative cancel timeout", registration("bad-cancel", { cancel: [{ event: "x/y", timeout: "-1d" }] }), /cancel\[0\]\.timeout: "-1d" is not a non-negative/],
    ["a cancel timeout past any date", registration("bad-far", { cancel: [{ event: "x/y", timeout: "100000y" }] }), /cancel\[0\]\.timeout: must be between 0s and 315576000s/],
    ["a timeouts.start past any date", registration("bad-far-start", { timeouts: { start: 9e15 } }), /timeouts\.start: must be between/],
    ["a registration nested 200 deep", registration("bad-deep", { meta: JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`) }), /deeper than 128 levels/],
  ])("answers 400 to a registration with %s and registers nothing", async (_what, body, message) => {
    const response = await post("/fn/register", body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
    const id = /"id":"([^"]+)"/.exec(body.slice(body.indexOf('"functions"')))?.[1];
    expect(id).toMatch(/^bad-/);
    expect((await api.functions()).map((fn) => fn.id)).not.toContain(id);
  });

  it("accepts the same registration with in-range durations and an http(s) url", async () => {
    const response = await post("/fn/register", registration("good-f", { timeouts: { start: "10m", finish: "10y" }, cancel: [{ event: "x/y", timeout: "30d" }] }, "https://127.0.0.1:1/api"));
    expect(response.status).toBe(200);
    expect((await api.functions()).map((fn) => fn.id)).toContain("good-f");
  });

  it("answers 404 for unknown runs and events, and 405 for a wrong method", async () => {
    expect((await api.request("GET", "/v1/runs/01NOPE")).status).toBe(404);
    expect((await api.request("GET", "/v1/events/01NOPE/runs")).status).toBe(404);
    expect((await api.request("POST", "/v1/runs/01NOPE/cancel")).status).toBe(404);
    expect((await api.request("GET", "/e/secret-key")).status).toBe(405);
  });

  it.each([
    ["/v1/apps/sync without a url", "POST", "/v1/apps/sync", { nope: 1 }, /expected \{"url"/],
    ["/v1/apps/sync with a non-http url", "POST", "/v1/apps/sync", { url: "ftp://x" }, /expected \{"url"/],
    ["/v1/apps/sync with a file: url", "POST", "/v1/apps/sync", { url: "file:///etc/passwd" }, /with an http:\/\/ or https:\/\/ URL/],
    ["/v1/apps/sync with a javascript: url", "POST", "/v1/apps/sync", { url: "javascript:alert(1)" }, /with an http:\/\/ or https:\/\/ URL/],
    ["/v1/apps/sync with a url without a host", "POST", "/v1/apps/sync", { url: "http://" }, /with an http:\/\/ or https:\/\/ URL/],
    ["/v1/apps/sync nested 100,000 deep", "POST", "/v1/apps/sync", "[".repeat(100_000), /deeper than 128 levels/],
    ["a limit out of range", "GET", "/v1/runs?limit=0", undefined, /limit must be an integer from 1 to 1000/],
    ["a limit that is not a number", "GET", "/v1/events?limit=ten", undefined, /limit must be an integer/],
  ])("answers 400 to %s", async (_what, method, path, body, message) => {
    const response = await api.request<{ error: string }>(method, path, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(message);
  });

  it("serves its health check and the runs page", async () => {
    expect((await api.request("GET", "/health")).body).toEqual({ status: "ok" });
    const page = await fetch(`${dev.url}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script src="/dashboard.js" defer></script>');
    const script = await fetch(`${dev.url}/dashboard.js`);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(await script.text()).toContain("/v1/runs");
  });

  it("says so when its port is taken, instead of a stack trace", async () => {
    const port = Number(new URL(dev.url).port);
    await expect(startDevServerProcess({ port })).rejects.toThrow(/is already in use \(is another ferry dev running\?\); pick another with --port/);
  });

  it("refuses to move a real clock", async () => {
    expect((await api.request("POST", "/v0/dev/clock/advance", { ms: 1000 })).status).toBe(409);
  });
});
