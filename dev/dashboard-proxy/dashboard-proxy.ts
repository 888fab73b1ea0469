import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApiRequest } from "../../adapters/http/api/handle-api-request";
import { errorResponse, HttpError } from "../../adapters/http/api/http-errors";
import { Router, type ApiResponse } from "../../adapters/http/api/router";
import { hashSigningKey } from "../../adapters/http/signing";
import { addDashboardRoutes } from "../dashboard/dashboard-routes";
import { clientGone, readBody, sendResponse } from "../server/node-http";
import { guardSite } from "../../adapters/http/site-guard";
import type { DashboardOptions } from "./dashboard-options";

/** Longer than the API's longest long poll (25 s), so a held `GET /v1/live` is not cut short. */
const API_TIMEOUT_MS = 30_000;
/** Largest body passed on (a sent event is at most 256 KB; a batch of them fits). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A running `ferry dashboard`. */
export interface DashboardProxy {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * `ferry dashboard`: serves the same dashboard `ferry dev` serves, and passes its `/v1/...`
 * requests on to another REST API (a deployment's, or another `ferry dev`), adding the signing
 * key as the API expects it. The page stays same-origin, so it needs no CORS from the API, and
 * the key stays in this process. Requests another web site could make are refused, as the dev
 * server refuses them: this server holds a key that can cancel runs.
 */
export async function startDashboardProxy(options: DashboardOptions): Promise<DashboardProxy> {
  const pages = addDashboardRoutes(new Router(), { serverLabel: new URL(options.api).host });
  const authorization = options.signingKey ? `Bearer ${hashSigningKey(options.signingKey)}` : undefined;
  const server = createServer((req, res) => {
    serve(req, res, options, pages, authorization)
      .catch((error: unknown) => errorResponse(error))
      .then((response) => sendResponse(res, response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, options: DashboardOptions, pages: Router, authorization: string | undefined): Promise<ApiResponse> {
  const method = req.method ?? "GET";
  guardSite(method, req.headers, { allowedHosts: [options.host.toLowerCase()] });
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/v1/")) {
    return handleApiRequest(pages, { method, path: url.pathname, query: url.searchParams, headers: {}, body: async () => "" });
  }
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, MAX_BODY_BYTES);
  let answer: Response;
  try {
    answer = await fetch(`${options.api}${url.pathname}${url.search}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(authorization ? { authorization } : {}) },
      body,
      // A page left while its long poll is held: let go of the API's request too.
      signal: AbortSignal.any([AbortSignal.timeout(API_TIMEOUT_MS), clientGone(res)]),
    });
  } catch (error) {
    throw new HttpError(502, `could not reach ${options.api}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { status: answer.status, text: await answer.text(), contentType: answer.headers.get("content-type") ?? "application/json" };
}
