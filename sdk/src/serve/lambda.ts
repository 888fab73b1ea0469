import { keepAliveFetch } from "./keep-alive-fetch";
import { createServeHandler } from "./serve-core";
import type { ServeOptions } from "./serve-types";

/** A Lambda function URL / API Gateway HTTP API (payload v2) event, as far as serving needs. */
export interface LambdaHttpEvent {
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string }; domainName?: string };
  /** API Gateway v1 (REST) fallbacks. */
  httpMethod?: string;
  path?: string;
}

/** The result Lambda turns into an HTTP response. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Serves functions from AWS Lambda behind a function URL or an API Gateway HTTP API.
 *
 * @example
 * ```ts
 * import { serve } from "@ferry/sdk/lambda";
 * export const handler = serve({ client: ferry, functions: [fn] });
 * ```
 */
export function serve(options: ServeOptions): (event: LambdaHttpEvent) => Promise<LambdaHttpResult> {
  const handle = createServeHandler({ framework: "aws-lambda", engineFetch: keepAliveFetch(), ...options });
  return async (event) => {
    const headers = event.headers ?? {};
    const host = headers.host ?? headers.Host ?? event.requestContext?.domainName ?? "localhost";
    const proto = headers["x-forwarded-proto"] ?? "https";
    const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
    const url = `${proto}://${host}${event.rawPath ?? event.path ?? "/"}${query}`;
    const raw = event.body ?? "";
    const body = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
    const method = event.requestContext?.http?.method ?? event.httpMethod ?? "GET";
    const out = await handle({ method, url, headers, body });
    return { statusCode: out.status, headers: out.headers, body: out.body };
  };
}

export type { ServeOptions };
