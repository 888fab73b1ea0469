import { engineConnection } from "../engine-api";
import type { CallRequest } from "../execution-types";
import { execute } from "../executor";
import type { FerryFunction } from "../ferry-function";
import { signBody, verifySignature } from "../signing";
import { HeaderNames, SDK_IDENTIFIER } from "../version";
import { errorResponse, executionResponse, jsonResponse, type ServeResponse } from "./response";
import { readHeader, type ServeOptions, type ServeRequest } from "./serve-types";
import { handleSync } from "./sync";

export type { ServeOptions, ServeRequest, ServeResponse };

/**
 * Builds the framework-neutral serve handler: GET introspection, PUT sync, POST execution.
 * Adapters only translate their request/response types to and from it.
 *
 * @example
 * ```ts
 * const handle = createServeHandler({ client: ferry, functions: [fn] });
 * const res = await handle({ method: "GET", url: "http://localhost/api/inngest", headers: {}, body: "" });
 * ```
 */
export function createServeHandler(options: ServeOptions): (request: ServeRequest) => Promise<ServeResponse> {
  const byId = new Map<string, FerryFunction>();
  for (const fn of options.functions.flatMap((f) => f.all())) {
    if (byId.has(fn.fullId)) throw new Error(`serve: duplicate function id "${fn.fullId}"`);
    byId.set(fn.fullId, fn);
  }
  return (request) => handleServeRequest(options, request, byId);
}

/**
 * Handles one request. Never throws: unexpected failures become 500 JSON errors.
 *
 * @example
 * ```ts
 * await handleServeRequest({ client, functions }, { method: "PUT", url, headers: {}, body: "" });
 * ```
 */
export async function handleServeRequest(options: ServeOptions, request: ServeRequest, byId?: Map<string, FerryFunction>): Promise<ServeResponse> {
  try {
    const method = request.method.toUpperCase();
    if (method === "GET") return introspect(options);
    if (method === "PUT") return await handleSync(options, request);
    if (method === "POST") return await handleCall(options, request, byId ?? new Map(options.functions.flatMap((f) => f.all()).map((f) => [f.fullId, f])));
    return errorResponse(405, `method ${request.method} not allowed`);
  } catch (err) {
    options.client.logger.error("ferry: serve handler failed", err);
    return errorResponse(500, err instanceof Error ? err.message : String(err));
  }
}

function keys(options: ServeOptions): { signingKey?: string; fallback?: string } {
  return { signingKey: options.signingKey ?? options.client.env.signingKey, fallback: options.signingKeyFallback ?? options.client.env.signingKeyFallback };
}

function introspect(options: ServeOptions): ServeResponse {
  const env = options.client.env;
  const { signingKey, fallback } = keys(options);
  return jsonResponse(200, {
    schema_version: "2024-05-24",
    sdk: SDK_IDENTIFIER,
    app_id: options.client.id,
    function_count: options.functions.flatMap((f) => f.all()).length,
    has_event_key: Boolean(env.eventKey),
    has_signing_key: Boolean(signingKey),
    has_signing_key_fallback: Boolean(fallback),
    mode: env.isDev ? "dev" : "cloud",
  });
}

async function handleCall(options: ServeOptions, request: ServeRequest, byId: Map<string, FerryFunction>): Promise<ServeResponse> {
  const { signingKey, fallback } = keys(options);
  const mustVerify = !options.client.isDev;
  // Outside dev mode an endpoint without a key would run anything anyone posts to it: refuse.
  if (mustVerify && !signingKey) return errorResponse(500, "no signing key configured: set INNGEST_SIGNING_KEY (or isDev for local development)");
  if (mustVerify && signingKey) {
    const problem = verifySignature(readHeader(request.headers, HeaderNames.signature), request.body, { signingKey, fallback });
    if (problem) return errorResponse(401, problem);
  }
  const url = new URL(request.url, "http://localhost");
  const fnId = url.searchParams.get("fnId");
  const fn = fnId ? byId.get(fnId) : undefined;
  if (!fn) return errorResponse(400, fnId ? `function "${fnId}" is not served here` : "missing fnId query parameter");
  let body: CallRequest;
  try {
    body = JSON.parse(request.body) as CallRequest;
  } catch {
    return errorResponse(400, "request body is not JSON");
  }
  if (!body || typeof body !== "object" || !body.event) return errorResponse(400, "request body has no event");
  // Checkpoints authenticate with the key this endpoint verifies with, as registration does.
  const engine = { ...engineConnection(options.client), signingKey, ...(options.engineFetch && !options.client.hasOwnFetch ? { fetch: options.engineFetch } : {}) };
  const result = await execute({ fn, request: body, stepId: url.searchParams.get("stepId") ?? undefined, logger: options.client.logger, engine });
  const response = executionResponse(result);
  if (mustVerify && signingKey) response.headers[HeaderNames.signature] = signBody(response.body, signingKey);
  return response;
}
