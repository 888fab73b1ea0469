import { HttpError } from "./api/http-errors";
import { guardSite, hostAllowed, type GuardHeaders } from "./site-guard";

const policy = { allowedHosts: ["127.0.0.1", "ferry"] };
const own = "127.0.0.1:8288";
const statusOf = (method: string, headers: GuardHeaders): number => {
  try {
    guardSite(method, headers, policy);
    return 200;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
};

describe("guardSite", () => {
  it("lets Node clients through whatever their content type (SDKs, curl, fetch without Origin)", () => {
    // What Node's fetch sends for a string body: text/plain and Sec-Fetch-Mode, but no Origin or Sec-Fetch-Site.
    expect(statusOf("POST", { host: own, "content-type": "text/plain;charset=UTF-8", "sec-fetch-mode": "cors", "content-length": "2" })).toBe(200);
    expect(statusOf("POST", { host: own, "content-type": "application/x-www-form-urlencoded", "content-length": "2" })).toBe(200);
    expect(statusOf("POST", { host: own, "content-length": "2" })).toBe(200);
    expect(statusOf("GET", {})).toBe(200);
  });

  it("lets the dev server's own page read and post JSON", () => {
    const page = { host: own, origin: `http://${own}`, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" };
    expect(statusOf("GET", page)).toBe(200);
    expect(statusOf("POST", { ...page, "content-type": "application/json", "content-length": "2" })).toBe(200);
    expect(statusOf("POST", { ...page, "content-type": "Application/JSON; charset=utf-8", "content-length": "2" })).toBe(200);
    expect(statusOf("POST", { ...page, "content-length": "0" })).toBe(200); // cancel/replay have no body
    expect(statusOf("GET", { host: "localhost:8288", origin: "http://localhost:8288", "sec-fetch-site": "same-origin" })).toBe(200);
  });

  it("lets a typed URL or a followed link open a page", () => {
    expect(statusOf("GET", { host: own, "sec-fetch-site": "none", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" })).toBe(200);
    expect(statusOf("GET", { host: own, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" })).toBe(200);
  });

  it.each<[string, string, GuardHeaders]>([
    ["a foreign Origin", "POST", { host: own, origin: "http://evil.example", "content-type": "application/json" }],
    ["another local port's Origin", "POST", { host: own, origin: "http://127.0.0.1:3000", "content-type": "application/json" }],
    ["another loopback name's Origin", "GET", { host: own, origin: "http://localhost:8288" }],
    ["Origin: null (sandboxed frame, file: page)", "POST", { host: own, origin: "null" }],
    ["an Origin without a Host", "GET", { origin: "http://127.0.0.1:8288" }],
    ["a cross-site fetch", "POST", { host: own, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "content-type": "text/plain" }],
    ["a same-site fetch (another localhost port)", "GET", { host: own, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" }],
    ["a cross-site form post", "POST", { host: own, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" }],
    ["a cross-site frame", "GET", { host: own, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" }],
    ["a cross-site script tag", "GET", { host: own, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" }],
    ["a rebound host name", "GET", { host: "evil.example:8288" }],
    ["a rebound host name, same-origin to itself", "POST", { host: "evil.example:8288", origin: "http://evil.example:8288", "sec-fetch-site": "same-origin" }],
  ])("answers 403 to %s", (_what, method, headers) => expect(statusOf(method, headers)).toBe(403));

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json"])("answers 415 to a browser body of %s", (type) => {
    expect(statusOf("POST", { host: own, origin: `http://${own}`, "content-type": type, "content-length": "2" })).toBe(415);
    expect(statusOf("POST", { host: own, "sec-fetch-site": "same-origin", "content-type": type, "content-length": "2" })).toBe(415);
  });

  it("answers 415 to a browser body without a content type", () => {
    expect(statusOf("POST", { host: own, "sec-fetch-site": "same-origin", "content-length": "5" })).toBe(415);
    expect(statusOf("POST", { host: own, "sec-fetch-site": "same-origin", "transfer-encoding": "chunked" })).toBe(415);
  });
});

describe("hostAllowed", () => {
  it.each(["localhost", "localhost:8288", "LOCALHOST:8288", "app.localhost:8288", "127.0.0.1:8288", "[::1]:8288", "192.168.1.20:8288", "10.0.0.2", "ferry:8288", "Ferry"])("accepts %s", (host) =>
    expect(hostAllowed(host, policy)).toBe(true),
  );

  it.each(["evil.example", "evil.example:8288", "localhost.evil.example", "ferry.evil.example", "evil.example@127.0.0.1", "127.0.0.1/x", "", "[::1"])("refuses %p", (host) =>
    expect(hostAllowed(host, policy)).toBe(false),
  );
});
