import type { IncomingMessage, ServerResponse } from "node:http";
import { keepAliveFetch } from "./keep-alive-fetch";
import { createServeHandler } from "./serve-core";
import type { ServeOptions } from "./serve-types";

/** A Node request, possibly with a body Express already parsed. */
type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

async function readBody(req: NodeRequest): Promise<string> {
  if (typeof req.body === "string") return req.body;
  if (Buffer.isBuffer(req.body)) return req.body.toString("utf8");
  if (req.body !== undefined && req.body !== null && typeof req.body === "object" && Object.keys(req.body).length > 0) return JSON.stringify(req.body);
  if (req.readableEnded) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Serves functions from Node's `http` server or Express (`app.use("/api/inngest", serve(...))`).
 * Express users should mount it before `express.json()` or keep the raw body: signatures are over
 * the exact bytes, and a re-stringified parsed body only matches for compact JSON.
 *
 * @example
 * ```ts
 * import { serve } from "@ferry/sdk/node";
 * http.createServer(serve({ client: ferry, functions: [fn] })).listen(3000);
 * ```
 */
export function serve(options: ServeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = createServeHandler({ framework: "node", engineFetch: keepAliveFetch(), ...options });
  return (req, res) => {
    const request = req as NodeRequest;
    const proto = (request.headers["x-forwarded-proto"] as string | undefined)?.split(",")[0] ?? ("encrypted" in request.socket && request.socket.encrypted ? "https" : "http");
    const url = `${proto}://${request.headers.host ?? "localhost"}${request.originalUrl ?? request.url ?? "/"}`;
    readBody(request)
      .then((body) => handle({ method: request.method ?? "GET", url, headers: request.headers, body }))
      .then((out) => {
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      })
      .catch((err: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      });
  };
}

export type { ServeOptions };
export { keepAliveFetch };
