import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** A Lambda handler as HTTP API invokes it: the event in, the payload format 2.0 response out. */
export type HttpApiInvoke = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2 | string | object>;

/** One route and the Lambda integration behind it. */
export interface HttpApiRoute {
  /** A route key as HTTP API writes it: `$default`, or `METHOD /path` with METHOD `ANY` or an HTTP method, path segments literal, `{name}` or a last `{name+}`. */
  route: string;
  invoke: HttpApiInvoke;
}

export interface HttpApiEmulatorOptions {
  routes: HttpApiRoute[];
  /** @default 0 (a free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** The integration timeout: a slower invoke is answered 503. HTTP API's maximum, and default, is 30 s. @default 30000 */
  integrationTimeoutMs?: number;
  /** `requestContext.apiId`. @default 10 random lower-case alphanumerics */
  apiId?: string;
  /** `requestContext.accountId`. @default "123456789012" */
  accountId?: string;
  /**
   * What stands in front of the API on this machine (not part of HTTP API): called with each
   * request before routing. It may refuse it by throwing an error with a `status` (answered
   * `{"message": ...}` with that status) or change the path and add headers. `ferry aws-local`
   * uses it for its dev mode and its cross-site guard.
   */
  front?: (request: FrontRequest) => FrontChange | void;
}

/** A request as the front sees it. */
export interface FrontRequest {
  method: string;
  /** The decoded path, as routes see it. */
  path: string;
  /** Node's lower-cased request headers. */
  headers: IncomingHttpHeaders;
}

/** What the front changes about a request before the gateway routes it. */
export interface FrontChange {
  path?: string;
  /** Headers set on the event (lower-case names), replacing any of the same name. */
  headers?: Record<string, string>;
}

/** HTTP API's request payload quota: 10 MB. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
/** Lambda's quota for a synchronous invocation's request payload: 6 MB (6,291,456 bytes). */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** What HTTP API answers itself, without (or instead of) the integration's response. */
const GATEWAY_ANSWERS = {
  notFound: [404, "Not Found"],
  tooLarge: [413, "Request Entity Too Large"],
  failed: [500, "Internal Server Error"],
  timedOut: [503, "Service Unavailable"],
} as const;

const METHODS = new Set(["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
/** Hop-by-hop headers: a proxy consumes them rather than forwarding them. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

interface CompiledRoute {
  key: string;
  method: string;
  /** Undefined for `$default`. */
  segments?: Segment[];
  invoke: HttpApiInvoke;
}

interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
}

/**
 * An EMULATOR of an API Gateway HTTP API with Lambda proxy integrations (payload format 2.0), for
 * the offline test bed — not AWS. A real node:http server turns each request into an
 * `APIGatewayProxyEventV2`, hands it to the `invoke` of the most specific matching route, and
 * writes the handler's result back as HTTP API would.
 *
 * Routing, as HTTP API selects routes: the method must equal the route's or the route be `ANY`;
 * `{name}` takes one non-empty segment, a last `{name+}` one or more; the most specific match
 * wins: a route without a greedy variable over one with, then, segment by segment from the left,
 * a literal over `{name}` over `{name+}`, then an exact method over `ANY`; `$default` only when
 * nothing else matches; otherwise 404 `{"message":"Not Found"}`.
 *
 * The event: `version` "2.0", `routeKey`, `rawPath`, `rawQueryString` (without `?`, still
 * encoded), `cookies` (from the `cookie` header(s), which leave `headers`; absent when none),
 * `headers` (lower-case names, repeats joined with `,`, hop-by-hop ones dropped,
 * `x-forwarded-for/-port/-proto` and `x-amzn-trace-id` added as the gateway does),
 * `queryStringParameters` (decoded, `+` as space, repeats joined with `,`; absent when none),
 * `pathParameters` (decoded; absent when the route has none), `requestContext` (accountId,
 * apiId, domainName = the Host header, domainPrefix, http {method, path, protocol, sourceIp,
 * userAgent}, a fresh requestId, routeKey, stage `$default`, time `27/Nov/2026:05:27:21 +0000`,
 * timeEpoch), `body` (absent when empty) and `isBase64Encoded`.
 *
 * Path decoding follows live HTTP API captures rather than the event's field name: `rawPath`
 * and `requestContext.http.path` arrive percent-DECODED (`/a%20b` as `/a b`), except `%25`,
 * which stays encoded; routes match on that decoded path, so an encoded `/` (`%2F`) splits
 * segments like a real one. `pathParameters` values are fully decoded (`%25` as `%`).
 *
 * Body encoding: HTTP API passes the body as UTF-8 text (`isBase64Encoded: false`) only for
 * `text/*`, `application/json`, `application/xml` and `application/javascript`; anything else,
 * including `application/x-www-form-urlencoded`, `multipart/form-data`, `application/*+json` and
 * a missing content type, is base64 (`isBase64Encoded: true`). AWS does not list the types; this
 * split is what live captures show.
 *
 * Limits: a request body over 10 MB is answered 413 `{"message":"Request Entity Too Large"}`
 * without invoking (HTTP API's payload quota); so is an event whose JSON exceeds 6,291,456
 * bytes (Lambda's 6 MB synchronous invocation payload quota, which base64 reaches with ~4.7 MB
 * of binary); an invoke slower than `integrationTimeoutMs` (30 s) is answered 503
 * `{"message":"Service Unavailable"}` while the handler runs on; an invoke that throws, or a
 * malformed result, 500 `{"message":"Internal Server Error"}` (the error is kept in `errors`).
 *
 * Response mapping (payload format 2.0): a result object with `statusCode` gives the status,
 * `headers`, one `set-cookie` per `cookies` entry, and `body` (base64-decoded when
 * `isBase64Encoded`); a string, or any other JSON value, is answered 200 with `content-type:
 * application/json` and the string as is or the value's JSON. Every answer carries an
 * `apigw-requestid` header, as HTTP API's do.
 *
 * Left out: stages other than `$default` and stage variables, authorizers, CORS configuration,
 * parameter mapping, custom domains and API mappings, throttling and quotas other than the
 * above, payload format 1.0, HTTP/private integrations, mutual TLS, the gateway's TLS (it speaks
 * plain HTTP), the truncation AWS applies at a decoded `?` in the path, and response streaming.
 *
 * @example
 * const api = new HttpApiEmulator({ routes: [{ route: "POST /e/{eventKey}", invoke: ingestHandler }] });
 * const { url } = await api.start();
 * await fetch(`${url}e/my-key`, { method: "POST", body: JSON.stringify({ name: "app/hello" }), headers: { "content-type": "application/json" } });
 */
export class HttpApiEmulator {
  /** What invokes threw, and why results were rejected, in order. */
  readonly errors: unknown[] = [];
  private readonly routes: CompiledRoute[];
  private readonly port: number;
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly apiId: string;
  private readonly accountId: string;
  private readonly front: HttpApiEmulatorOptions["front"];
  private server?: Server;

  constructor(options: HttpApiEmulatorOptions) {
    const keys = new Set<string>();
    this.routes = options.routes.map(({ route, invoke }) => {
      const compiled = compileRoute(route, invoke);
      if (keys.has(compiled.key)) throw new Error(`HttpApiEmulator: route ${compiled.key} is defined twice`);
      keys.add(compiled.key);
      return compiled;
    });
    this.port = options.port ?? 0;
    this.host = options.host ?? "127.0.0.1";
    this.timeoutMs = options.integrationTimeoutMs ?? 30_000;
    this.apiId = options.apiId ?? randomApiId();
    this.accountId = options.accountId ?? "123456789012";
    this.front = options.front;
  }

  /** Starts listening; `url` is the API's base URL, ending with `/`. */
  async start(): Promise<{ url: string }> {
    if (this.server) throw new Error("the HTTP API emulator is already started");
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.errors.push(error);
        res.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(this.port, this.host, resolve));
    const { port } = server.address() as AddressInfo;
    const host = this.host === "0.0.0.0" || this.host === "::" ? "127.0.0.1" : this.host.includes(":") ? `[${this.host}]` : this.host;
    return { url: `http://${host}:${port}/` };
  }

  /** Stops the server, dropping kept-alive connections; invokes still running are not awaited. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const requestId = randomBytes(11).toString("base64");
    const body = await readBody(req);
    if (body === undefined) return answer(res, requestId, GATEWAY_ANSWERS.tooLarge);

    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const rawQueryString = queryAt < 0 ? "" : url.slice(queryAt + 1);
    const method = (req.method ?? "GET").toUpperCase();
    let rawPath = decodePath(queryAt < 0 ? url : url.slice(0, queryAt));
    let change: FrontChange | void;
    try {
      change = this.front?.({ method, path: rawPath, headers: req.headers });
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (typeof status !== "number") throw error;
      return answer(res, requestId, [status, (error as Error).message]);
    }
    rawPath = change?.path ?? rawPath;
    const match = this.match(method, rawPath);
    if (!match) return answer(res, requestId, GATEWAY_ANSWERS.notFound);

    const event = this.event(req, { method, rawPath, rawQueryString, body, match, requestId, receivedAt });
    Object.assign(event.headers, change?.headers);
    // Lambda refuses a synchronous invocation whose payload exceeds 6 MB; HTTP API answers 413.
    if (Buffer.byteLength(JSON.stringify(event), "utf8") > MAX_INVOKE_PAYLOAD_BYTES) return answer(res, requestId, GATEWAY_ANSWERS.tooLarge);

    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol("timed out");
    const outcome = await Promise.race([
      Promise.resolve()
        .then(() => match.route.invoke(event))
        .then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        ),
      new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), this.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === timedOut) return answer(res, requestId, GATEWAY_ANSWERS.timedOut);
    if ("error" in outcome) {
      this.errors.push(outcome.error);
      return answer(res, requestId, GATEWAY_ANSWERS.failed);
    }
    let response: MappedResponse;
    try {
      response = mapResult(outcome.result);
    } catch (error) {
      this.errors.push(error);
      return answer(res, requestId, GATEWAY_ANSWERS.failed);
    }
    res.writeHead(response.status, [...response.headers, ["apigw-requestid", requestId]].flat());
    res.end(response.body);
  }

  private match(method: string, rawPath: string): RouteMatch | undefined {
    const segments = rawPath === "/" ? [] : rawPath.slice(1).split("/");
    let best: { match: RouteMatch; rank: number[] } | undefined;
    for (const route of this.routes) {
      if (!route.segments || (route.method !== "ANY" && route.method !== method)) continue;
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      const rank = specificity(route);
      if (!best || compareRanks(rank, best.rank) > 0) best = { match: { route, params }, rank };
    }
    if (best) return best.match;
    const fallback = this.routes.find((route) => !route.segments);
    return fallback && { route: fallback, params: {} };
  }

  private event(
    req: IncomingMessage,
    request: { method: string; rawPath: string; rawQueryString: string; body: Buffer; match: RouteMatch; requestId: string; receivedAt: number },
  ): APIGatewayProxyEventV2 {
    const { method, rawPath, rawQueryString, body, match, requestId, receivedAt } = request;
    const sourceIp = (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
    const headers: Record<string, string> = {};
    const cookies: string[] = [];
    for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
      const name = req.rawHeaders[index]!.toLowerCase();
      const value = req.rawHeaders[index + 1]!;
      if (HOP_BY_HOP.has(name)) continue;
      if (name === "cookie") cookies.push(...value.split(";").map((cookie) => cookie.trim()).filter(Boolean));
      else headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
    headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${sourceIp}` : sourceIp;
    headers["x-forwarded-port"] = String(req.socket.localPort ?? "");
    headers["x-forwarded-proto"] = "http";
    headers["x-amzn-trace-id"] ??= `Root=1-${Math.floor(receivedAt / 1000).toString(16).padStart(8, "0")}-${randomBytes(12).toString("hex")}`;
    const domainName = headers.host ?? "";
    const query = parseQuery(rawQueryString);
    const text = isTextContentType(headers["content-type"]);
    return {
      version: "2.0",
      routeKey: match.route.key,
      rawPath,
      rawQueryString,
      ...(cookies.length ? { cookies } : {}),
      headers,
      ...(query ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: this.accountId,
        apiId: this.apiId,
        domainName,
        domainPrefix: domainName.split(":")[0]!.split(".")[0]!,
        http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers["user-agent"] ?? "" },
        requestId,
        routeKey: match.route.key,
        stage: "$default",
        time: clfTime(receivedAt),
        timeEpoch: receivedAt,
      },
      ...(body.length ? { body: text ? body.toString("utf8") : body.toString("base64") } : {}),
      ...(Object.keys(match.params).length ? { pathParameters: match.params } : {}),
      isBase64Encoded: body.length > 0 && !text,
    };
  }
}

interface MappedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Maps a handler's result as payload format 2.0 does; throws for a result HTTP API would reject. */
function mapResult(result: unknown): MappedResponse {
  const json = (body: string): MappedResponse => ({ status: 200, headers: [["content-type", "application/json"]], body: Buffer.from(body, "utf8") });
  if (typeof result === "string") return json(result);
  if (result === null || typeof result !== "object" || !("statusCode" in result)) {
    const text = JSON.stringify(result ?? null);
    if (text === undefined) throw new Error(`the handler returned ${typeof result}, which is not JSON`);
    return json(text);
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const status = structured.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) throw new Error(`malformed Lambda proxy response: statusCode ${String(status)}`);
  if (structured.body !== undefined && structured.body !== null && typeof structured.body !== "string") throw new Error("malformed Lambda proxy response: body must be a string");
  if (structured.cookies !== undefined && !(Array.isArray(structured.cookies) && structured.cookies.every((cookie) => typeof cookie === "string"))) {
    throw new Error("malformed Lambda proxy response: cookies must be a list of strings");
  }
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(structured.headers ?? {})) {
    const lower = name.toLowerCase();
    // Framing is the gateway's own; the rest goes through.
    if (lower === "content-length" || HOP_BY_HOP.has(lower)) continue;
    headers.push([name, String(value)]);
  }
  for (const cookie of structured.cookies ?? []) headers.push(["set-cookie", cookie]);
  const text = structured.body ?? "";
  return { status, headers, body: structured.isBase64Encoded ? Buffer.from(text, "base64") : Buffer.from(text, "utf8") };
}

/** Answers with one of HTTP API's own JSON error bodies. */
function answer(res: ServerResponse, requestId: string, [status, message]: readonly [number, string]): void {
  res.writeHead(status, { "content-type": "application/json", "apigw-requestid": requestId }).end(JSON.stringify({ message }));
}

/** The request body, or undefined when it is over HTTP API's quota (then drained, not kept). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = Number(req.headers["content-length"] ?? 0) > MAX_REQUEST_BODY_BYTES;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY_BYTES) tooLarge = true;
    if (tooLarge) chunks.length = 0;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function compileRoute(key: string, invoke: HttpApiInvoke): CompiledRoute {
  if (key === "$default") return { key, method: "ANY", invoke };
  const match = /^([A-Z]+) (\/.*)$/.exec(key);
  if (!match || !METHODS.has(match[1]!)) throw new Error(`HttpApiEmulator: route key ${JSON.stringify(key)} is not "$default" or "METHOD /path" (METHOD one of ${[...METHODS].join(", ")})`);
  const path = match[2]!;
  const parts = path === "/" ? [] : path.slice(1).split("/");
  const segments = parts.map((part, index): Segment => {
    const variable = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(part);
    if (variable) {
      if (variable[2] && index !== parts.length - 1) throw new Error(`HttpApiEmulator: in route ${key}, a greedy variable must be the last segment`);
      return variable[2] ? { kind: "greedy", name: variable[1]! } : { kind: "param", name: variable[1]! };
    }
    if (part === "" || /[{}]/.test(part)) throw new Error(`HttpApiEmulator: route ${key} has an empty or malformed segment`);
    return { kind: "literal", value: part };
  });
  return { key, method: match[1]!, segments, invoke };
}

/** The path variables when `segments` (of a decoded path) fit the route, else undefined. */
function matchSegments(route: Segment[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < route.length; index++) {
    const segment = route[index]!;
    if (segment.kind === "greedy") {
      const rest = segments.slice(index).join("/");
      if (rest === "") return undefined;
      params[segment.name] = rest.replaceAll("%25", "%");
      return params;
    }
    const value = segments[index];
    if (value === undefined) return undefined;
    if (segment.kind === "literal") {
      if (value !== segment.value) return undefined;
    } else {
      if (value === "") return undefined;
      params[segment.name] = value.replaceAll("%25", "%");
    }
  }
  return segments.length === route.length ? params : undefined;
}

/** Compared left to right, higher wins: no greedy variable, then literal > {name} > {name+} per segment, then exact method. */
function specificity(route: CompiledRoute): number[] {
  const segments = route.segments ?? [];
  const weight = { literal: 3, param: 2, greedy: 1 } as const;
  return [segments.some((segment) => segment.kind === "greedy") ? 0 : 1, ...segments.map((segment) => weight[segment.kind]), route.method === "ANY" ? 0 : 1];
}

/**
 * Two routes matching one path have equally many segments unless greedy, and a greedy pair
 * differs where the shorter one's greedy segment sits, so ranks differ before the method weight
 * unless the paths are the same.
 */
function compareRanks(a: number[], b: number[]): number {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Decodes a request path as HTTP API does for rawPath: every percent-escape but `%25`, as UTF-8. */
function decodePath(path: string): string {
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    let out = "";
    let pending: number[] = [];
    const flush = () => {
      out += Buffer.from(pending).toString("utf8");
      pending = [];
    };
    for (let index = 0; index < run.length; index += 3) {
      const byte = Number.parseInt(run.slice(index + 1, index + 3), 16);
      if (byte === 0x25) {
        flush();
        out += "%25";
      } else pending.push(byte);
    }
    flush();
    return out;
  });
}

/** queryStringParameters: keys and values decoded (`+` as a space), repeated keys joined with `,`; undefined when empty. */
function parseQuery(raw: string): Record<string, string> | undefined {
  const query: Record<string, string> = {};
  let any = false;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const key = decodeQueryPart(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? "" : decodeQueryPart(pair.slice(equals + 1));
    query[key] = key in query ? `${query[key]},${value}` : value;
    any = true;
  }
  return any ? query : undefined;
}

function decodeQueryPart(part: string): string {
  const spaced = part.replaceAll("+", " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Whether HTTP API hands the body over as text (see the class comment for the evidence). */
export function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type.startsWith("text/") || type === "application/json" || type === "application/xml" || type === "application/javascript";
}

/** `requestContext.time`: `27/Nov/2026:05:27:21 +0000`. */
function clfTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number) => String(value).padStart(2, "0");
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

function randomApiId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join("");
}
