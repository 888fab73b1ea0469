import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { request } from "node:http";
import { HttpApiEmulator, isTextContentType, type HttpApiEmulatorOptions, type HttpApiInvoke, type HttpApiRoute } from "./http-api-emulator";

/** Real HTTP (global fetch) against the emulator, with recording handlers behind it. */

const apis: HttpApiEmulator[] = [];

afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

/** Starts an API; every route's handler records its event and answers `{ route }` unless given. */
async function api(routes: Array<string | HttpApiRoute>, options: Partial<Pick<HttpApiEmulatorOptions, "integrationTimeoutMs" | "front">> = {}) {
  const events: APIGatewayProxyEventV2[] = [];
  const record = (route: string): HttpApiInvoke => async (event) => {
    events.push(event);
    return { route };
  };
  const emulator = new HttpApiEmulator({ routes: routes.map((route) => (typeof route === "string" ? { route, invoke: record(route) } : route)), ...options });
  apis.push(emulator);
  const { url } = await emulator.start();
  return { emulator, url, events, last: () => events.at(-1)! };
}

/** A GET through node:http, which (unlike fetch) sends each value of a repeated header on its own line. */
function rawGet(url: string, headers: Record<string, string | string[]>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    })
      .on("error", reject)
      .end();
  });
}

const FERRY_ROUTES = ["POST /e/{eventKey}", "ANY /{proxy+}", "ANY /"];

describe("routing", () => {
  it("sends POST /e/abc to the events route with its eventKey", async () => {
    const { url, last } = await api(FERRY_ROUTES);
    const response = await fetch(`${url}e/abc`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"app/hello"}' });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("apigw-requestid")).toEqual(expect.any(String));
    expect(await response.json()).toEqual({ route: "POST /e/{eventKey}" });
    expect(last()).toMatchObject({ routeKey: "POST /e/{eventKey}", rawPath: "/e/abc", pathParameters: { eventKey: "abc" }, requestContext: { routeKey: "POST /e/{eventKey}" } });
  });

  it("sends other paths to the greedy proxy route, with the query string raw and parsed", async () => {
    const { url, last } = await api(FERRY_ROUTES);
    const response = await fetch(`${url}v1/runs/x?limit=2&a=1&a=2`);
    expect(await response.json()).toEqual({ route: "ANY /{proxy+}" });
    const event = last();
    expect(event.routeKey).toBe("ANY /{proxy+}");
    expect(event.rawPath).toBe("/v1/runs/x");
    expect(event.rawQueryString).toBe("limit=2&a=1&a=2");
    expect(event.queryStringParameters).toEqual({ limit: "2", a: "1,2" });
    expect(event.pathParameters).toEqual({ proxy: "v1/runs/x" });
    // GET on the events path is not the POST route.
    await fetch(`${url}e/abc`);
    expect(last()).toMatchObject({ routeKey: "ANY /{proxy+}", pathParameters: { proxy: "e/abc" } });
  });

  it("sends / to the root route, which the greedy route does not match", async () => {
    const { url, last } = await api(FERRY_ROUTES);
    expect(await (await fetch(url)).json()).toEqual({ route: "ANY /" });
    expect(last()).toMatchObject({ routeKey: "ANY /", rawPath: "/", rawQueryString: "" });
    expect(last()).not.toHaveProperty("pathParameters");
    expect(last()).not.toHaveProperty("queryStringParameters");
  });

  it("picks the most specific route whatever the order they are listed in", async () => {
    const { url } = await api(["ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "ANY /pets/dog/{id}", "GET /pets/dog/1", "$default"]);
    const routeOf = async (method: string, path: string) => ((await (await fetch(`${url}${path}`, { method })).json()) as { route: string }).route;
    expect(await routeOf("GET", "pets/dog/1")).toBe("GET /pets/dog/1");
    expect(await routeOf("GET", "pets/dog/2")).toBe("GET /pets/dog/{id}");
    expect(await routeOf("POST", "pets/dog/2")).toBe("ANY /pets/dog/{id}");
    expect(await routeOf("GET", "pets/cat/1")).toBe("GET /pets/{proxy+}");
    expect(await routeOf("POST", "pets/cat/1")).toBe("ANY /{proxy+}");
    expect(await routeOf("GET", "")).toBe("$default");
  });

  it("answers 404 when no route matches", async () => {
    const { url, events } = await api(["POST /e/{eventKey}"]);
    for (const [method, path] of [["GET", "e/abc"], ["POST", "e"], ["POST", "e/abc/more"], ["POST", "e/"], ["GET", ""]] as const) {
      const response = await fetch(`${url}${path}`, { method });
      expect([method, path, response.status]).toEqual([method, path, 404]);
      expect(await response.json()).toEqual({ message: "Not Found" });
    }
    expect(events).toHaveLength(0);
  });

  it("rejects malformed and duplicate route keys", () => {
    const invoke: HttpApiInvoke = async () => ({});
    expect(() => new HttpApiEmulator({ routes: [{ route: "FETCH /x", invoke }] })).toThrow(/route key/);
    expect(() => new HttpApiEmulator({ routes: [{ route: "GET /{proxy+}/x", invoke }] })).toThrow(/greedy/);
    expect(() => new HttpApiEmulator({ routes: [{ route: "GET /x", invoke }, { route: "GET /x", invoke }] })).toThrow(/twice/);
  });
});

describe("the event", () => {
  it("carries the request the way HTTP API does", async () => {
    const { url, last } = await api(FERRY_ROUTES);
    const before = Date.now();
    await rawGet(`${url}v1/x?q=a+b&enc=a%2Bb&empty=&flag`, { "User-Agent": "ferry-test/1", "X-Probe": ["first", "second"], Cookie: ["session=abc123; theme=dark", "extra=1"] });
    const event = last();
    expect(event.version).toBe("2.0");
    expect(event.rawQueryString).toBe("q=a+b&enc=a%2Bb&empty=&flag");
    expect(event.queryStringParameters).toEqual({ q: "a b", enc: "a+b", empty: "", flag: "" });
    expect(event.cookies).toEqual(["session=abc123", "theme=dark", "extra=1"]);
    expect(event.headers).not.toHaveProperty("cookie");
    expect(event.headers["x-probe"]).toBe("first,second");
    expect(event.headers["user-agent"]).toBe("ferry-test/1");
    expect(event.headers).toMatchObject({ "x-forwarded-for": "127.0.0.1", "x-forwarded-proto": "http", "x-forwarded-port": new URL(url).port });
    expect(event.headers["x-amzn-trace-id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.isBase64Encoded).toBe(false);
    expect(event).not.toHaveProperty("body");

    const host = new URL(url).host;
    expect(event.requestContext).toMatchObject({
      accountId: "123456789012",
      apiId: expect.stringMatching(/^[a-z0-9]{10}$/),
      domainName: host,
      domainPrefix: "127",
      http: { method: "GET", path: "/v1/x", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "ferry-test/1" },
      routeKey: "ANY /{proxy+}",
      stage: "$default",
    });
    const { time, timeEpoch, requestId } = event.requestContext;
    expect(timeEpoch).toBeGreaterThanOrEqual(before);
    expect(timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(time).toMatch(/^\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    const at = new Date(timeEpoch);
    expect(time.slice(0, 2)).toBe(String(at.getUTCDate()).padStart(2, "0"));
    expect(time.slice(12, 20)).toBe(at.toISOString().slice(11, 19));

    await fetch(`${url}v1/x`);
    expect(last().requestContext.requestId).not.toBe(requestId);
    expect(last()).not.toHaveProperty("cookies");
  });

  it("passes a JSON body as text", async () => {
    const { url, last } = await api(FERRY_ROUTES);
    const payload = JSON.stringify({ name: "app/hello", data: { unicode: "lambda-λ" } });
    await fetch(`${url}e/k`, { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body: payload });
    expect(last()).toMatchObject({ body: payload, isBase64Encoded: false });
  });

  it("passes a binary body, or one without a content type, as base64", async () => {
    const { url, last } = await api(FERRY_ROUTES);
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    await fetch(`${url}e/k`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
    expect(last()).toMatchObject({ body: bytes.toString("base64"), isBase64Encoded: true });
    await fetch(`${url}e/k`, { method: "POST", body: bytes });
    expect(last().headers).not.toHaveProperty("content-type");
    expect(last()).toMatchObject({ body: bytes.toString("base64"), isBase64Encoded: true });
    // A form body is base64 too, as live HTTP APIs deliver it.
    await fetch(`${url}e/k`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1&b=2" });
    expect(last()).toMatchObject({ body: Buffer.from("a=1&b=2").toString("base64"), isBase64Encoded: true });
  });

  it("classifies content types as HTTP API does", () => {
    for (const text of ["text/plain", "text/html; charset=utf-8", "application/json", "Application/JSON", "application/xml", "application/javascript"]) expect([text, isTextContentType(text)]).toEqual([text, true]);
    for (const binary of [undefined, "", "application/octet-stream", "image/png", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/cloudevents+json"]) expect([binary, isTextContentType(binary)]).toEqual([binary, false]);
  });

  it("decodes path parameters; rawPath is decoded as AWS delivers it, but for %25", async () => {
    const { url, last } = await api(["GET /items/{id}", "ANY /{proxy+}"]);
    await fetch(`${url}items/a%20b%C3%A9`);
    expect(last()).toMatchObject({ routeKey: "GET /items/{id}", pathParameters: { id: "a bé" }, rawPath: "/items/a bé" });
    expect(last().requestContext.http.path).toBe("/items/a bé");
    await fetch(`${url}items/100%25`);
    expect(last()).toMatchObject({ routeKey: "GET /items/{id}", pathParameters: { id: "100%" }, rawPath: "/items/100%25" });
    // An encoded slash splits segments once decoded: not a single {id}.
    await fetch(`${url}items/a%2Fb`);
    expect(last()).toMatchObject({ routeKey: "ANY /{proxy+}", pathParameters: { proxy: "items/a/b" }, rawPath: "/items/a/b" });
  });
});

describe("limits", () => {
  it("answers 413 to a body over 10 MB without invoking", async () => {
    const { url, events } = await api(FERRY_ROUTES);
    const response = await fetch(`${url}e/k`, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.alloc(11 * 1024 * 1024, 0x61) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: "Request Entity Too Large" });
    expect(events).toHaveLength(0);
  });

  it("answers 413 when the event would exceed Lambda's 6 MB invocation payload", async () => {
    const { url, events } = await api(FERRY_ROUTES);
    // 4.8 MB of binary is 6.4 MB of base64: under HTTP API's 10 MB, over Lambda's 6 MB.
    const response = await fetch(`${url}e/k`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: Buffer.alloc(4_800_000, 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: "Request Entity Too Large" });
    expect(events).toHaveLength(0);
    // The same bytes as text fit.
    const fits = await fetch(`${url}e/k`, { method: "POST", headers: { "content-type": "text/plain" }, body: Buffer.alloc(4_800_000, 0x61) });
    expect(fits.status).toBe(200);
    expect(events).toHaveLength(1);
  });

  it("answers 500 when the handler throws", async () => {
    const { url, emulator } = await api([{ route: "ANY /{proxy+}", invoke: async () => Promise.reject(new Error("boom")) }]);
    const response = await fetch(`${url}x`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Internal Server Error" });
    expect(emulator.errors).toEqual([new Error("boom")]);
  });

  it("answers 500 to a malformed result", async () => {
    const { url } = await api([{ route: "ANY /{proxy+}", invoke: async () => ({ statusCode: "200", body: "x" }) }]);
    const response = await fetch(`${url}x`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Internal Server Error" });
  });

  it("answers 503 when the handler outlasts the integration timeout", async () => {
    let finished = false;
    const slow: HttpApiInvoke = async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
      return { statusCode: 200 };
    };
    const { url } = await api([{ route: "ANY /{proxy+}", invoke: slow }], { integrationTimeoutMs: 50 });
    const started = Date.now();
    const response = await fetch(`${url}x`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: "Service Unavailable" });
    expect(Date.now() - started).toBeLessThan(250);
    expect(finished).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});

describe("responses", () => {
  it("maps a structured result: status, headers, cookies, base64 body", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0xff]);
    const { url } = await api([
      {
        route: "GET /img",
        invoke: async () => ({ statusCode: 201, headers: { "Content-Type": "image/png", "X-Count": 3, "X-Flag": true }, cookies: ["a=1; Path=/", "b=2; HttpOnly"], isBase64Encoded: true, body: png.toString("base64") }),
      },
    ]);
    const response = await fetch(`${url}img`);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("x-count")).toBe("3");
    expect(response.headers.get("x-flag")).toBe("true");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
  });

  it("maps a structured text result and an empty one", async () => {
    const { url } = await api([
      { route: "GET /text", invoke: async () => ({ statusCode: 404, headers: { "content-type": "text/plain" }, body: "missing ✓" }) },
      { route: "GET /empty", invoke: async () => ({ statusCode: 204 }) },
    ]);
    const text = await fetch(`${url}text`);
    expect([text.status, await text.text()]).toEqual([404, "missing ✓"]);
    const empty = await fetch(`${url}empty`);
    expect([empty.status, await empty.text()]).toEqual([204, ""]);
  });

  it("answers a plain object, or a string, 200 as JSON", async () => {
    const { url } = await api([
      { route: "GET /object", invoke: async () => ({ ok: true, body: "not a structured result" }) },
      { route: "GET /string", invoke: async () => '{"hello":"world"}' },
    ]);
    const object = await fetch(`${url}object`);
    expect(object.status).toBe(200);
    expect(object.headers.get("content-type")).toBe("application/json");
    expect(await object.json()).toEqual({ ok: true, body: "not a structured result" });
    const string = await fetch(`${url}string`);
    expect(string.status).toBe(200);
    expect(string.headers.get("content-type")).toBe("application/json");
    expect(await string.text()).toBe('{"hello":"world"}');
  });
});

describe("start", () => {
  it("listens on the given port and host, with a url ending in /", async () => {
    const probe = new HttpApiEmulator({ routes: [{ route: "ANY /", invoke: async () => "{}" }] });
    const { url: first } = await probe.start();
    const port = Number(new URL(first).port);
    await probe.close();
    const emulator = new HttpApiEmulator({ routes: [{ route: "ANY /", invoke: async () => "{}" }], port, host: "127.0.0.1" });
    apis.push(emulator);
    const { url } = await emulator.start();
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    expect((await fetch(url)).status).toBe(200);
  });
});

describe("the local front (ferry aws-local)", () => {
  it("rewrites the path and sets headers before routing", async () => {
    const { url, last } = await api(FERRY_ROUTES, {
      front: ({ path, headers }) => ({ path: path.replace(/^\/e\/[^/]+/, "/e/real-key"), headers: headers.authorization ? undefined : { authorization: "Bearer injected" } }),
    });
    await fetch(`${url}e/any-key`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(last()).toMatchObject({ rawPath: "/e/real-key", pathParameters: { eventKey: "real-key" }, headers: { authorization: "Bearer injected" } });
    await fetch(`${url}v1/runs`, { headers: { authorization: "Bearer own" } });
    expect(last()).toMatchObject({ rawPath: "/v1/runs", headers: { authorization: "Bearer own" } });
  });

  it("answers a refusal with its status and message, without invoking", async () => {
    const { url, events } = await api(FERRY_ROUTES, {
      front: () => {
        throw Object.assign(new Error("cross-site request refused"), { status: 403 });
      },
    });
    const response = await fetch(`${url}v1/runs`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "cross-site request refused" });
    expect(events).toEqual([]);
  });
});
