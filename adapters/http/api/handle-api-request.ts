import { errorResponse, HttpError } from "./http-errors";
import type { ApiResponse, Router } from "./router";

/** A request before routing: what an HTTP listener or an API Gateway event provides. */
export interface RawApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /**
   * Raw body text (signatures and JSON errors need the exact bytes), or how to read it: a
   * listener reads it only once the route is known, so an unknown path is not read at all.
   */
  body: string | (() => Promise<string>);
  /** Aborted when the client goes away (see `ApiRequest.signal`). */
  signal?: AbortSignal;
}

/**
 * Routes one request and maps what it throws: bad input is a 4xx with a JSON `{error, status}`
 * (nothing of a refused request is stored), a deliberate `HttpError` keeps its status, and
 * anything else is rethrown, so the caller reports the bug and answers 500.
 */
export async function handleApiRequest(router: Router, request: RawApiRequest): Promise<ApiResponse> {
  try {
    const match = router.match(request.method, request.path);
    if (!("handler" in match)) {
      const status = match.pathExists ? 405 : 404;
      throw new HttpError(status, `${status === 405 ? "method not allowed" : "not found"}: ${request.method} ${request.path}`);
    }
    const body = typeof request.body === "string" ? request.body : await request.body();
    return await match.handler({ ...request, body, params: match.params });
  } catch (error) {
    const mapped = errorResponse(error);
    // Deliberate errors (a 502 from an unreachable app) are answered; anything else is a bug.
    if (mapped.status >= 500 && !(error instanceof HttpError)) throw error;
    return mapped;
  }
}

/** The answer to a request that failed with a bug: the details stay in the logs. */
export const INTERNAL_ERROR_RESPONSE: ApiResponse = { status: 500, json: { error: "internal error", status: 500 } };
