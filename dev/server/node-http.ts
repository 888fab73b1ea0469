import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../../adapters/http/api/http-errors";
import type { ApiResponse } from "../../adapters/http/api/router";

/** Reads a request body, refusing with a 413 past `maxBytes` (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new HttpError(413, `request body exceeds ${maxBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Aborts when the connection closes before the answer was sent: the client (a page) went away. */
export function clientGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  return gone.signal;
}

/** Writes a route's answer: JSON unless it names its own content type. */
export function sendResponse(res: ServerResponse, response: ApiResponse): void {
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
