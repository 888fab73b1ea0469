import { buildAppRegistration } from "../registration";
import { engineHeaders, engineUrl } from "../engine-api";
import { HeaderNames } from "../version";
import { errorResponse, jsonResponse, type ServeResponse } from "./response";
import { readHeader, type ServeOptions, type ServeRequest } from "./serve-types";

/**
 * The public URL of the serve endpoint: `serveOrigin`/`servePath` (options, then env
 * INNGEST_SERVE_ORIGIN / INNGEST_SERVE_PATH) win over the `url` the engine sent, which wins
 * over the request URL.
 */
export function resolveServeUrl(options: ServeOptions, request: ServeRequest, bodyUrl: string | undefined): string {
  const requestUrl = new URL(request.url, "http://localhost");
  const origin = options.serveOrigin ?? options.client.env.serveOrigin;
  const path = options.servePath ?? options.client.env.servePath;
  if (origin || path) {
    const base = new URL(bodyUrl ?? requestUrl.toString());
    return new URL(path ?? base.pathname, origin ?? base.origin).toString();
  }
  if (bodyUrl) return bodyUrl;
  requestUrl.search = "";
  return requestUrl.toString();
}

function readBodyUrl(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { url?: unknown };
    return typeof parsed.url === "string" && parsed.url ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Handles `PUT`: builds the registration and posts it to `{apiBase}/fn/register`, then answers
 * `{message, modified}` (or the engine's error with its status).
 */
export async function handleSync(options: ServeOptions, request: ServeRequest): Promise<ServeResponse> {
  const client = options.client;
  const serveUrl = resolveServeUrl(options, request, readBodyUrl(request.body));
  const functions = options.functions.flatMap((f) => f.all()).map((f) => f.registration(serveUrl));
  const registration = buildAppRegistration(client.id, serveUrl, options.framework ?? "node", functions);
  const signingKey = options.signingKey ?? client.env.signingKey;
  const headers: Record<string, string> = { ...engineHeaders(signingKey), [HeaderNames.syncKind]: "out_of_band" };
  const serverKind = readHeader(request.headers, HeaderNames.serverKind);
  if (serverKind) headers[HeaderNames.expectedServerKind] = serverKind;
  const target = new URL(engineUrl(client.env, "/fn/register"));
  const deployId = new URL(request.url, "http://localhost").searchParams.get("deployId");
  if (deployId) target.searchParams.set("deployId", deployId);
  let status: number;
  let text: string;
  try {
    const res = await client.fetch(target.toString(), { method: "POST", headers, body: JSON.stringify(registration) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    return errorResponse(500, `could not reach ${target.origin} to register: ${err instanceof Error ? err.message : String(err)}`);
  }
  let parsed: { modified?: boolean; error?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = { error: text };
  }
  if (status < 200 || status >= 300) return errorResponse(status >= 400 ? status : 500, `registration failed: ${parsed.error ?? `HTTP ${status}`}`);
  return jsonResponse(200, { message: "Successfully registered", modified: parsed.modified ?? false });
}
