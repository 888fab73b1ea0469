import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { DevContext } from "./dev-context";
import { errorResponse, HttpError } from "./http-errors";
import { Router, type DevResponse } from "./router";
import { addApiRoutes } from "./routes/api-routes";
import { addDevRoutes } from "./routes/dev-routes";
import { addEventRoutes } from "./routes/event-routes";
import { addRegisterRoutes } from "./routes/register-routes";
import { guardSite, type SitePolicy } from "./site-guard";

/** Largest request body read (5,000 events of a few KB, or one large registration). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** Builds the dev server's router with every route. */
export function buildRouter(context: DevContext): Router {
  const router = new Router();
  addEventRoutes(router, context);
  addRegisterRoutes(router, context);
  addApiRoutes(router, context);
  addDevRoutes(router, context);
  return router;
}

/**
 * The dev server's HTTP listener. Errors become JSON `{error, status}` with a 4xx for bad input
 * (nothing of a rejected request is stored) and a 500 for bugs, which are also reported.
 * Requests another web site could have made are refused first (see `guardSite`).
 */
export function createDevHttpServer(context: DevContext, onProblem: (message: string, error: unknown) => void, policy: SitePolicy = { allowedHosts: [] }): Server {
  const router = buildRouter(context);
  return createServer((req, res) => {
    handle(router, policy, req, res).catch((error: unknown) => {
      onProblem(`${req.method} ${req.url} failed`, error);
      if (!res.headersSent) send(res, { status: 500, json: { error: "internal error", status: 500 } });
    });
  });
}

async function handle(router: Router, policy: SitePolicy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  let response: DevResponse;
  try {
    // Before routing and before the body is read: a refused page learns nothing, not even 404s.
    guardSite(method, req.headers, policy);
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = router.match(method, url.pathname);
    if (!("handler" in match)) {
      const status = match.pathExists ? 405 : 404;
      throw new HttpError(status, `${status === 405 ? "method not allowed" : "not found"}: ${method} ${url.pathname}`);
    }
    const body = await readBody(req);
    response = await match.handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers as Record<string, string | undefined>, body, params: match.params });
  } catch (error) {
    const mapped = errorResponse(error);
    // Deliberate errors (a 502 from an unreachable app) are answered; anything else is a bug.
    if (mapped.status >= 500 && !(error instanceof HttpError)) throw error;
    response = mapped;
  }
  send(res, response);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new HttpError(413, `request body exceeds ${MAX_REQUEST_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: DevResponse): void {
  const body = response.text ?? JSON.stringify(response.json ?? null);
  res.writeHead(response.status ?? 200, {
    "content-type": response.contentType ?? "application/json",
    "content-length": Buffer.byteLength(body),
    // JSON must never be taken for a script or style sheet by a page that embeds the URL.
    "x-content-type-options": "nosniff",
    ...response.headers,
  });
  res.end(body);
}
