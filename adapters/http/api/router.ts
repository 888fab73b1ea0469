import { HttpError } from "./http-errors";

/** A parsed HTTP request, as route handlers see it. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Raw body text (signatures and JSON errors need the exact bytes). */
  body: string;
  params: Record<string, string>;
  /** Aborted when the client goes away; a handler that holds the request (a long poll) stops then. */
  signal?: AbortSignal;
}

/** What a handler answers: JSON by default, or raw text with its content type. */
export interface ApiResponse {
  status?: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A route handler. Thrown errors are mapped to 4xx/5xx by the server. */
export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse> | ApiResponse;

interface Route {
  method: string;
  parts: string[];
  handler: RouteHandler;
}

/**
 * Matches `METHOD /path/:param` routes. The engine API has a few dozen fixed routes, so a
 * linear scan over split segments is clearer than a framework and fast enough.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /**
   * The handler and path parameters for a request, or whether the path exists at all. Throws a
   * 400 HttpError when a parameter is not valid percent-encoding (`/v1/runs/%E0%A4%A`).
   */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | { pathExists: boolean } {
    const parts = path.split("/").filter(Boolean);
    let pathExists = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathExists = true;
    }
    return { pathExists };
  }
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const actual = parts[i] as string;
    if (expected.startsWith(":")) params[expected.slice(1)] = decodeSegment(actual);
    else if (expected !== actual) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // decodeURIComponent throws URIError on a stray "%" or a broken UTF-8 sequence: the client's
    // mistake, so a 400 naming the segment rather than a 500.
    throw new HttpError(400, `path segment ${JSON.stringify(segment.slice(0, 200))} is not valid percent-encoding`);
  }
}
