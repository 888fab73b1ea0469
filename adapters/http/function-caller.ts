import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FunctionCaller, FunctionCallRequest, FunctionCallResponse } from "../../core";
import { canonicalJson } from "./canonical-json";
import type { RequestSigner } from "./request-signer";
import { signBody } from "./signing";

/** How the engine calls user endpoints. */
export interface HttpCallerOptions {
  /** Signs every request body when set (production; the dev server may leave it unset). */
  signingKey?: string;
  /** Sent as `X-Inngest-Server-Kind`, which SDKs check against their own mode. @default "dev" */
  serverKind?: "dev" | "cloud";
  /** Abort a call that takes longer (ms); shorter than the concurrency lease. @default 300000 */
  timeoutMs?: number;
  /** Current time for signatures. @default Date.now */
  now?: () => number;
  /** Adds transport authentication (SigV4 for `AWS_IAM` function URLs) to each call. */
  signRequest?: RequestSigner;
}

/** Largest response body accepted from an SDK (its step outputs and opcodes). */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Calls user serve endpoints over HTTP(S) with kept-alive connections, so a run of many short
 * steps does not pay a TCP handshake per step. Transport failures reject; every HTTP status
 * resolves, and the core decides what it means.
 */
export class HttpFunctionCaller implements FunctionCaller {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly options: HttpCallerOptions = {}) {}

  async call(request: FunctionCallRequest): Promise<FunctionCallResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === "https:";
    // A signed body is sent in canonical JSON (RFC 8785): the official SDK's adapters that parse
    // the body first (inngest/lambda, frameworks with a JSON body parser) verify the signature
    // over the canonical form of what they parsed, as Inngest's own server sends it.
    const body = this.options.signingKey ? canonicalJson(request.body) : request.body;
    const headers: Record<string, string> = {
      ...request.headers,
      "content-length": Buffer.byteLength(body).toString(),
      "user-agent": "ferry/0.1.0",
      "x-inngest-server-kind": this.options.serverKind ?? "dev",
    };
    if (this.options.signingKey) headers["x-inngest-signature"] = signBody(body, this.options.signingKey, (this.options.now ?? Date.now)());
    if (this.options.signRequest) Object.assign(headers, await this.options.signRequest({ method: "POST", url: request.url, headers: lowerCased(headers), body }));
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: "POST", headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: this.options.timeoutMs ?? 300_000 }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response from ${url.origin} exceeds ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString("utf8") });
        });
      });
      req.on("timeout", () => req.destroy(new Error(`no response from ${url.origin} within ${this.options.timeoutMs ?? 300_000} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Closes kept-alive sockets (on shutdown). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
