/**
 * The dashboard's only way to the server: relative URLs (so it works under `ferry dev` and
 * behind a proxy), JSON in and out, and an {@link ApiError} carrying the server's own message.
 */

/** A non-2xx answer; `message` is the server's `error` text when it sent one. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Options of one API call. */
export interface ApiOptions {
  method?: "GET" | "POST";
  /** Sent as JSON: the dev server refuses other body types from a browser. */
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls `path` (e.g. `/v1/runs?limit=50`) and returns the parsed JSON body. */
export async function api<T>(path: string, { method = "GET", body, signal }: ApiOptions = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    signal,
    headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page: report the status rather than a JSON syntax error.
    if (response.ok) throw new ApiError(`${method} ${path}: the answer is not JSON`, response.status);
  }
  if (!response.ok) {
    const message = (parsed as { error?: unknown } | undefined)?.error;
    throw new ApiError(typeof message === "string" ? message : `${method} ${path} failed with ${response.status}`, response.status);
  }
  return parsed as T;
}

/** Builds `path?query` from the entries that have a value. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** `encodeURIComponent` for one path segment (ids are user-chosen: `a/b` must stay one segment). */
export const seg = (id: string): string => encodeURIComponent(id);

/** The message of anything thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** True when a fetch was stopped because the page was left: nothing to report. */
export const isAbort = (error: unknown): boolean => error instanceof DOMException && error.name === "AbortError";
