import { noteSyncFailure, registerApp } from "../../../../core";
import { isHttpUrl } from "../../../../core/protocol/http-url";
import type { ApiContext } from "../api-context";
import { restApiAuth, sdkRouteAuth } from "../bearer-auth";
import { HttpError } from "../http-errors";
import { parseJsonBody } from "../json-body";
import type { Router } from "../router";

/**
 * App registration: SDKs `POST /fn/register` after a sync request (or on their own), and
 * `POST /v1/apps/sync {url}` asks the engine to sync an app now.
 */
export function addRegisterRoutes(router: Router, context: ApiContext): void {
  router.add("POST", "/fn/register", sdkRouteAuth(context)(async (request) => {
    const result = await registerApp(context.deps, parseJsonBody(request.body));
    return { json: { ok: true, modified: result.modified, app_id: result.appId, functions: result.functionIds } };
  }));

  router.add("POST", "/v1/apps/sync", restApiAuth(context)(async (request) => {
    const body = parseJsonBody(request.body) as { url?: unknown };
    // The dev server fetches this URL, so nothing but http(s) (no file:, no ftp:) is tried.
    if (typeof body?.url !== "string" || !isHttpUrl(body.url)) throw new HttpError(400, 'expected {"url": "http(s)://..."} with an http:// or https:// URL');
    const result = await context.syncApp(body.url);
    if (!result.ok) {
      // The dashboard shows each app's last sync result, failures included.
      await noteSyncFailure(context.deps, body.url, result.error);
      throw new HttpError(502, result.error);
    }
    return { json: { data: result } };
  }));
}
