/** Resolution of the client's settings from options and `INNGEST_*` environment variables. */

/** Where the SDK sends events and registrations, and the keys it uses. */
export interface ResolvedEnv {
  /** True in dev mode (no signatures, default event key "dev"). */
  isDev: boolean;
  /** Base URL for `POST /e/{key}`. */
  eventBaseUrl: string;
  /** Base URL for `/fn/register` and other API calls. */
  apiBaseUrl: string;
  eventKey: string | undefined;
  signingKey: string | undefined;
  signingKeyFallback: string | undefined;
  /** Public origin of the serve endpoint, from INNGEST_SERVE_ORIGIN. */
  serveOrigin: string | undefined;
  /** Path of the serve endpoint, from INNGEST_SERVE_PATH. */
  servePath: string | undefined;
}

/** Options that override the environment. */
export interface EnvOptions {
  isDev?: boolean;
  baseUrl?: string;
  eventKey?: string;
  signingKey?: string;
  signingKeyFallback?: string;
}

/** The dev server's default address. */
export const DEV_SERVER_URL = "http://127.0.0.1:8288";
const CLOUD_EVENT_URL = "https://inn.gs";
const CLOUD_API_URL = "https://api.inngest.com";

/**
 * Resolves settings: explicit options first, then `INNGEST_DEV` (`1`/`true` or a URL),
 * `INNGEST_BASE_URL`, `INNGEST_EVENT_API_BASE_URL`, `INNGEST_API_BASE_URL`,
 * `INNGEST_EVENT_KEY`, `INNGEST_SIGNING_KEY`, `INNGEST_SIGNING_KEY_FALLBACK`.
 *
 * @example
 * ```ts
 * resolveEnv({}, { INNGEST_DEV: "1" }).eventBaseUrl; // "http://127.0.0.1:8288"
 * ```
 */
export function resolveEnv(options: EnvOptions, env: Record<string, string | undefined> = process.env): ResolvedEnv {
  const devVar = env.INNGEST_DEV?.trim();
  const devUrl = devVar && /^https?:\/\//.test(devVar) ? devVar : undefined;
  const devFlag = devVar !== undefined && devVar !== "" && !["0", "false"].includes(devVar.toLowerCase());
  const isDev = options.isDev ?? devFlag;
  const base = options.baseUrl ?? env.INNGEST_BASE_URL ?? devUrl;
  const fallbackEvent = isDev ? DEV_SERVER_URL : CLOUD_EVENT_URL;
  const fallbackApi = isDev ? DEV_SERVER_URL : CLOUD_API_URL;
  return {
    isDev,
    eventBaseUrl: trimSlash(options.baseUrl ?? env.INNGEST_EVENT_API_BASE_URL ?? base ?? fallbackEvent),
    apiBaseUrl: trimSlash(options.baseUrl ?? env.INNGEST_API_BASE_URL ?? base ?? fallbackApi),
    eventKey: options.eventKey ?? env.INNGEST_EVENT_KEY ?? (isDev ? "dev" : undefined),
    signingKey: options.signingKey ?? env.INNGEST_SIGNING_KEY,
    signingKeyFallback: options.signingKeyFallback ?? env.INNGEST_SIGNING_KEY_FALLBACK,
    serveOrigin: env.INNGEST_SERVE_ORIGIN,
    servePath: env.INNGEST_SERVE_PATH,
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
