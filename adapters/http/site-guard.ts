import { isIP } from "node:net";
import { HttpError } from "./api/http-errors";

/**
 * Which names a local server (`ferry dev`, `ferry aws-local`) answers to besides its built-in ones. A web page the developer
 * visits must not reach the API at 127.0.0.1:8288, so requests are checked the way Vite,
 * webpack-dev-server and Next.js check their dev servers.
 */
export interface SitePolicy {
  /** Extra names accepted in the `Host` header (the `--host` name, each `--allowed-host`). */
  allowedHosts: readonly string[];
}

/** The headers the guard reads (Node's lower-cased request headers). */
export type GuardHeaders = Record<string, string | string[] | undefined>;

/**
 * Throws a 403 (or 415) HttpError when a request may come from another site; returns quietly
 * otherwise. Checked before the body is read or a route runs. Node clients (both SDKs, curl) send
 * neither `Origin` nor `Sec-Fetch-Site` and pass whatever their content type.
 */
export function guardSite(method: string, headers: GuardHeaders, policy: SitePolicy): void {
  const host = one(headers.host);
  // DNS rebinding: evil.example resolving to 127.0.0.1 still sends `Host: evil.example`.
  if (host !== undefined && !hostAllowed(host, policy)) {
    throw new HttpError(403, `Host ${JSON.stringify(host)} is not allowed (DNS rebinding protection); add it with --allowed-host <name>`);
  }
  const origin = one(headers.origin);
  if (origin !== undefined && !sameOrigin(origin, host)) {
    throw new HttpError(403, `cross-origin request from ${JSON.stringify(origin)} refused; the local API is for its own page and for clients without an Origin`);
  }
  const site = one(headers["sec-fetch-site"]);
  if (site !== undefined && site !== "same-origin" && site !== "none" && !readOnlyNavigation(method, headers)) {
    throw new HttpError(403, `${site} request refused (Sec-Fetch-Site: ${site})`);
  }
  // A browser's "simple" request (text/plain, a form) needs no CORS preflight; only JSON is taken.
  if ((origin !== undefined || site !== undefined) && method !== "GET" && method !== "HEAD") {
    const type = one(headers["content-type"]);
    if (type === undefined ? hasBody(headers) : !isJsonType(type)) {
      throw new HttpError(415, `a browser request must send its body as application/json, not ${type ?? "without a content type"}`);
    }
  }
}

/** True for localhost and its subdomains, any IP address (cannot be rebound), and listed names. */
export function hostAllowed(hostHeader: string, policy: SitePolicy): boolean {
  const name = hostnameOf(hostHeader);
  if (name === undefined) return false;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name.replace(/^\[(.*)\]$/, "$1")) !== 0) return true;
  return policy.allowedHosts.some((allowed) => allowed.toLowerCase() === name);
}

/**
 * The name part of a Host header, lower-cased; undefined when it is not a plain `name[:port]` or
 * `[v6][:port]` (a URL parser would read `evil@127.0.0.1` as the host 127.0.0.1).
 */
function hostnameOf(host: string): string | undefined {
  const match = /^([\w.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.exec(host.trim());
  return match?.[1]?.toLowerCase();
}

/** Same origin means the page was served by this server under the very name the request uses. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return false; // includes "null"
    return url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** A link followed to a GET page: the linking site cannot read the answer, and GETs change nothing. */
function readOnlyNavigation(method: string, headers: GuardHeaders): boolean {
  return (method === "GET" || method === "HEAD") && one(headers["sec-fetch-mode"]) === "navigate" && one(headers["sec-fetch-dest"]) === "document";
}

function isJsonType(contentType: string): boolean {
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
}

function hasBody(headers: GuardHeaders): boolean {
  const length = one(headers["content-length"]);
  return headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
