import type { Ferry } from "../client";
import type { FerryFunction } from "../ferry-function";
import type { FetchLike } from "../types";

/** A framework-neutral HTTP request. `url` is absolute (scheme and host included) or a path. */
export interface ServeRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text (signatures are computed over it). */
  body: string;
}

/** Anything `createFunction` returned. */
export interface ServableFunction {
  readonly fullId: string;
  all(): FerryFunction[];
}

/**
 * Options of every `serve(...)` adapter.
 *
 * @example
 * ```ts
 * serve({ client: ferry, functions: [welcome, nightly] });
 * ```
 */
export interface ServeOptions {
  client: Ferry;
  functions: ServableFunction[];
  /** Overrides the client's signing key. */
  signingKey?: string;
  signingKeyFallback?: string;
  /** Public origin the engine reaches this endpoint at, e.g. `https://app.example.com` (env INNGEST_SERVE_ORIGIN). */
  serveOrigin?: string;
  /** Public path of this endpoint, e.g. `/api/inngest` (env INNGEST_SERVE_PATH). */
  servePath?: string;
  /** Framework name sent on registration. */
  framework?: string;
  /**
   * How this endpoint reaches the engine (checkpoints, run state) when the client was not given
   * a `fetch` of its own; the Node and Lambda adapters pass a kept-alive `node:http` client.
   * @default the client's fetch
   */
  engineFetch?: FetchLike;
}

/** Reads a header case-insensitively (first value when repeated). */
export function readHeader(headers: ServeRequest["headers"], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
