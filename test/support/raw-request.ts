import { request } from "node:http";

/** A response from `rawRequest`, with the body parsed as JSON when it is JSON. */
export interface RawResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/**
 * One HTTP request with exactly the given headers. `fetch` replaces `Host` and cannot send
 * what a browser sends, so cross-site tests forge a browser's headers through `node:http`.
 */
export function rawRequest<T = { error?: string; status?: number }>(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse<T>> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const json = /json/.test(res.headers["content-type"] ?? "");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: (json && text ? JSON.parse(text) : text) as T, text });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
