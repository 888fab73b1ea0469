import { functionFlow, NotFoundError, type AppRecord, type EngineDeps, type FunctionRecord } from "../../../../core";
import { isoTime } from "../../../../core/api/iso-time";
import type { AddRoute } from "./run-routes";

/** `/v1/functions` and `/v1/apps`: what is registered, and a function's live flow-control state. */
export function addFunctionRoutes(add: AddRoute, deps: EngineDeps): void {
  add("GET", "/v1/functions", async () => ({ json: { data: (await deps.apps.listFunctions()).map(functionView) } }));

  add("GET", "/v1/functions/:id/flow", async ({ params }) => {
    const fn = await deps.apps.getFunction(params.id as string);
    if (!fn) throw new NotFoundError(`function ${params.id} not found`);
    return { json: { data: { function_id: fn.id, items: await functionFlow(deps, fn) } } };
  });

  add("GET", "/v1/apps", async () => ({ json: { data: (await deps.apps.listApps()).map(appView) } }));
}

function functionView(fn: FunctionRecord): Record<string, unknown> {
  return { id: fn.id, name: fn.name, app_id: fn.appId, triggers: fn.triggers, url: fn.url, retries: fn.retries, active: fn.active, config: fn.config };
}

function appView(app: AppRecord): Record<string, unknown> {
  const failed = app.lastSyncError && app.lastSyncError.at >= app.syncedAt ? app.lastSyncError : undefined;
  return {
    id: app.id,
    url: app.url,
    sdk: app.sdk,
    framework: app.framework ?? null,
    function_ids: app.functionIds,
    synced_at: isoTime(app.syncedAt),
    last_sync: failed ? { at: isoTime(failed.at), ok: false, error: failed.error } : { at: isoTime(app.syncedAt), ok: true },
  };
}
