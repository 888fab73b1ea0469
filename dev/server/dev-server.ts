import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { buildEngineRouter } from "../../adapters/http/api/engine-router";
import { handleApiRequest, INTERNAL_ERROR_RESPONSE } from "../../adapters/http/api/handle-api-request";
import { errorResponse, HttpError } from "../../adapters/http/api/http-errors";
import type { ApiResponse, Router } from "../../adapters/http/api/router";
import type { DevContext } from "./dev-context";
import { addDevRoutes } from "./routes/dev-routes";
import { clientGone, readBody, sendResponse } from "./node-http";
import { guardSite, type SitePolicy } from "../../adapters/http/site-guard";

/** Largest request body read (5,000 events of a few KB, or one large registration). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** Builds the dev server's router with every route. */
export function buildRouter(context: DevContext): Router {
  const router = buildEngineRouter(context);
  addDevRoutes(router, context);
  return router;
}

/** What the dev server's listener needs besides the routes' context. */
export interface DevListenerOptions {
  /** Reports a request that failed with a 500. */
  onProblem: (message: string, error: unknown) => void;
  /**
   * Resolves once the engine's writes so far are durable (`LocalEngine.durable`); awaited before
   * every response, so an answer such as "event accepted" is never sent for a write a crash
   * could still lose.
   */
  durable: () => Promise<void>;
  /** @default only localhost and IP addresses as `Host` */
  policy?: SitePolicy;
}

/**
 * The dev server's HTTP listener. Errors become JSON `{error, status}` with a 4xx for bad input
 * (nothing of a rejected request is stored) and a 500 for bugs, which are also reported.
 * Requests another web site could have made are refused first (see `guardSite`).
 */
export function createDevHttpServer(context: DevContext, { onProblem, durable, policy = { allowedHosts: [] } }: DevListenerOptions): Server {
  const router = buildRouter(context);
  return createServer((req, res) => {
    handle(router, policy, req, res)
      .catch((error: unknown): ApiResponse => {
        onProblem(`${req.method} ${req.url} failed`, error);
        return INTERNAL_ERROR_RESPONSE;
      })
      .then(async (response) => {
        // What the answer reports (an event accepted, a step memoized) must survive a crash.
        await durable();
        sendResponse(res, response);
      })
      .catch((error: unknown) => {
        onProblem(`${req.method} ${req.url} failed`, error);
        if (!res.headersSent) sendResponse(res, INTERNAL_ERROR_RESPONSE);
      });
  });
}

async function handle(router: Router, policy: SitePolicy, req: IncomingMessage, res: ServerResponse): Promise<ApiResponse> {
  const method = req.method ?? "GET";
  try {
    // Before routing and before the body is read: a refused page learns nothing, not even 404s.
    guardSite(method, req.headers, policy);
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers = req.headers as Record<string, string | undefined>;
    return await handleApiRequest(router, { method, path: url.pathname, query: url.searchParams, headers, body: () => readBody(req, MAX_REQUEST_BYTES), signal: clientGone(res) });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return errorResponse(error);
  }
}
