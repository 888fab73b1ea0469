import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchLike } from "../types";

/**
 * A `FetchLike` on Node's `http`/`https` with kept-alive connections, for the SDK's requests to
 * the engine from the Node and Lambda adapters. With checkpointing a call reports every step
 * before it goes on, so each step waits for one of these requests: the global `fetch` (undici
 * and its web streams) took about a fifth of the app's CPU per step in `npm run bench`; this
 * client does the same request with a fraction of that.
 *
 * A request with no answer after `timeoutMs` (no bytes for that long) fails, so a stuck engine
 * turns into a failed checkpoint, which the SDK retries and then falls back from, instead of a
 * call that hangs until the engine gives up on it.
 */
export function keepAliveFetch(options: { timeoutMs?: number } = {}): FetchLike {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(input);
      const send = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : undefined;
      if (!send) {
        reject(new TypeError(`unsupported protocol in ${input}`));
        return;
      }
      const body = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
      const headers: Record<string, string | number> = { ...init.headers };
      if (body) headers["content-length"] = body.length;
      const req = send(url, { method: init.method ?? "GET", headers, agent: agents[url.protocol as "http:" | "https:"] }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
}
