import type { FetchLike } from "@ferry/sdk";
import { errorResponse } from "../../adapters/http/api/http-errors";
import type { Router } from "../../adapters/http/api/router";

/** Runs around each request a `routerFetch` serves (fault injection decides what a request belongs to). */
export type RequestScope = <T>(method: string, path: string, serve: () => Promise<T>) => Promise<T>;

/**
 * A `fetch` for the SDK that goes straight to the dev server's routes, without a socket: the
 * SDK's `send` and registration reach the same handlers (and validation) as over HTTP.
 */
export function routerFetch(router: Router, scope?: RequestScope): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const method = init?.method ?? "GET";
    let status = 200;
    let json: unknown;
    try {
      // Inside the try: a malformed path parameter is a 400 from match itself, as over HTTP.
      const match = router.match(method, url.pathname);
      if (!("handler" in match)) return { ok: false, status: 404, text: async () => "{}" };
      const request = { method, path: url.pathname, query: url.searchParams, headers: init?.headers ?? {}, body: init?.body ?? "", params: match.params };
      const out = await (scope ? scope(method, url.pathname, async () => match.handler(request)) : match.handler(request));
      status = out.status ?? 200;
      json = out.json;
    } catch (error) {
      ({ status, json } = errorResponse(error));
    }
    return { ok: status < 300, status, text: async () => JSON.stringify(json) };
  };
}
