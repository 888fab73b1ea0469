import { hashSigningKey } from "./signing";
import type { FetchLike } from "./types";
import { HeaderNames, SDK_IDENTIFIER } from "./version";

/**
 * How the SDK reaches the engine's API (registration, checkpoints, run state): the client's
 * fetch, its API base URL and the signing key its requests authenticate with.
 */
export interface EngineConnection {
  fetch: FetchLike;
  /** Base URL of the engine API, e.g. `http://127.0.0.1:8288`. */
  apiBaseUrl: string;
  /** Sent hashed as `Authorization: Bearer ...`; no header without one (dev mode). */
  signingKey?: string;
}

/**
 * The engine connection of a client.
 *
 * @example
 * ```ts
 * const engine = engineConnection(ferry); // { fetch, apiBaseUrl, signingKey }
 * ```
 */
export function engineConnection(client: { readonly fetch: FetchLike; readonly env: { apiBaseUrl: string; signingKey?: string } }): EngineConnection {
  return { fetch: client.fetch, apiBaseUrl: client.env.apiBaseUrl, signingKey: client.env.signingKey };
}

/**
 * The absolute URL of an API path (`path` starts with `/`). Unlike `new URL(path, base)` this
 * keeps a path prefix on the base URL, as registration always has.
 */
export function engineUrl(engine: Pick<EngineConnection, "apiBaseUrl">, path: string): string {
  return `${engine.apiBaseUrl.replace(/\/+$/, "")}${path}`;
}

/**
 * Headers of every SDK → engine API request: JSON content type, the SDK identifier and, when a
 * signing key is set, `Authorization: Bearer <hashed key>`.
 *
 * @example
 * ```ts
 * engineHeaders("signkey-prod-12ab"); // { "content-type": "application/json", "x-inngest-sdk": "ferry:v…", authorization: "Bearer signkey-prod-…" }
 * ```
 */
export function engineHeaders(signingKey: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", [HeaderNames.sdk]: SDK_IDENTIFIER };
  if (signingKey) headers.authorization = `Bearer ${hashSigningKey(signingKey)}`;
  return headers;
}
