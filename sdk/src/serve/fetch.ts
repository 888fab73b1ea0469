import { createServeHandler } from "./serve-core";
import type { ServeOptions } from "./serve-types";

/** A Web `Request` → `Response` handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Serves functions through the Fetch API: Hono, Next.js route handlers, Bun, Deno, Workers.
 * The returned function also carries `GET`, `POST` and `PUT` for Next-style route exports.
 *
 * @example
 * ```ts
 * import { serve } from "@ferry/sdk/fetch";
 * export const { GET, POST, PUT } = serve({ client: ferry, functions: [fn] });
 * app.on(["GET", "POST", "PUT"], "/api/inngest", (c) => handler(c.req.raw)); // Hono
 * ```
 */
export function serve(options: ServeOptions): FetchHandler & { GET: FetchHandler; POST: FetchHandler; PUT: FetchHandler } {
  const handle = createServeHandler({ framework: "fetch", ...options });
  const handler: FetchHandler = async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const out = await handle({ method: request.method, url: request.url, headers, body });
    return new Response(out.body, { status: out.status, headers: out.headers });
  };
  return Object.assign(handler, { GET: handler, POST: handler, PUT: handler });
}

export type { ServeOptions };
