import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Hono } from "hono";
import { runConformance, type HarnessInstance, type HarnessRequest, type HarnessResponse } from "./conformance";
import { serve as serveFetch } from "./fetch";
import { serve as serveLambda, type LambdaHttpEvent } from "./lambda";
import { serve as serveNode } from "./node";

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Listens on 127.0.0.1:0 and talks to it with fetch. */
async function listen(listener: RequestListener): Promise<HarnessInstance> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async send(req: HarnessRequest): Promise<HarnessResponse> {
      const res = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return { status: res.status, headers, body: await res.text() };
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Bridges Node's http server to a fetch handler. */
function fetchBridge(handler: (r: Request) => Promise<Response>): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = req.method === "GET" ? undefined : Buffer.concat(chunks).toString("utf8");
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      void handler(new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { method: req.method, headers, body })).then(async (out) => {
        const outHeaders: Record<string, string> = {};
        out.headers.forEach((v, k) => (outHeaders[k] = v));
        res.writeHead(out.status, outHeaders);
        res.end(await out.text());
      });
    });
  };
}

runConformance({ name: "node http", start: (options) => listen(serveNode(options)) });

runConformance({
  name: "express (json body parser)",
  start: (options) => {
    const app = express();
    app.use(express.json());
    app.use("/api/inngest", serveNode(options));
    return listen(app);
  },
});

runConformance({
  name: "fetch (Request objects)",
  start: async (options) => {
    const handler = serveFetch(options);
    return {
      async send(req) {
        const res = await handler.POST(new Request(`http://localhost${req.path}`, { method: req.method, headers: req.headers, body: req.body }));
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => (headers[k] = v));
        return { status: res.status, headers, body: await res.text() };
      },
      stop: async () => undefined,
    };
  },
});

runConformance({ name: "fetch (bridged through node http)", start: (options) => listen(fetchBridge(serveFetch(options))) });

runConformance({
  name: "hono",
  start: (options) => {
    const handler = serveFetch(options);
    const app = new Hono();
    app.on(["GET", "POST", "PUT"], "/api/inngest", (c) => handler(c.req.raw));
    return listen(fetchBridge((r) => Promise.resolve(app.fetch(r))));
  },
});

function lambdaHarness(name: string, toEvent: (req: HarnessRequest) => LambdaHttpEvent) {
  runConformance({
    name,
    start: async (options) => {
      const handler = serveLambda(options);
      return {
        async send(req) {
          const out = await handler(toEvent(req));
          return { status: out.statusCode, headers: lower(out.headers), body: out.body };
        },
        stop: async () => undefined,
      };
    },
  });
}

const split = (path: string) => {
  const [rawPath = "/", rawQueryString = ""] = path.split("?");
  return { rawPath, rawQueryString };
};

lambdaHarness("lambda function URL", (req) => ({
  version: "2.0",
  ...split(req.path),
  headers: { host: "abc.lambda-url.eu-west-1.on.aws", ...lower(req.headers ?? {}) },
  body: req.body,
  isBase64Encoded: false,
  requestContext: { http: { method: req.method }, domainName: "abc.lambda-url.eu-west-1.on.aws" },
}));

lambdaHarness("lambda API Gateway v2 (base64 body)", (req) => ({
  version: "2.0",
  routeKey: "ANY /api/inngest",
  ...split(req.path),
  headers: lower(req.headers ?? {}),
  body: req.body === undefined ? undefined : Buffer.from(req.body).toString("base64"),
  isBase64Encoded: req.body !== undefined,
  requestContext: { http: { method: req.method }, domainName: "api.example.com" },
}));
