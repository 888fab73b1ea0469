import {
  cancelRun,
  eventOutcomes,
  NotFoundError,
  replayRun,
  resolveMemos,
  resolveRunOutput,
  toRunView,
  type EngineDeps,
  type FunctionRecord,
  type RunRecord,
  type RunView,
  type StepRecord,
  type StoredEvent,
} from "../../../../core";
import { isoTime } from "../../../../core/api/iso-time";
import type { ApiContext } from "../api-context";
import { HttpError } from "../http-errors";
import type { RouteHandler, Router } from "../router";
import { restApiAuth } from "../bearer-auth";

/**
 * The REST API in the shape of Inngest's public v1 API (`{data: ...}`, runs with `run_id`,
 * `status`, `output`, ...), so scripts written against Inngest work here; Ferry's extra fields
 * (steps, waiting reason, skipped events) are additions.
 */
export function addApiRoutes(router: Router, context: ApiContext): void {
  const { deps } = context;
  const authorized = restApiAuth(context);
  const add = (method: string, pattern: string, handler: RouteHandler) => router.add(method, pattern, authorized(handler));
  // A large output is kept in the PayloadStore; the API shows it whole, as Inngest does.
  const view = async (run: RunRecord, steps?: StepRecord[]): Promise<RunView> => toRunView(await resolveRunOutput(deps, run), steps);
  const views = (runs: RunRecord[]) => Promise.all(runs.map((run) => view(run)));

  add("GET", "/v1/events/:id/runs", async ({ params }) => {
    const outcomes = await eventOutcomes(deps, params.id as string);
    if (!outcomes) throw new NotFoundError(`event ${params.id} not found`);
    const runs = await deps.runs.listRunsByEvent(params.id as string);
    return { json: { data: await views(runs), skipped: outcomes.skipped, pending: outcomes.pending } };
  });

  add("GET", "/v1/events/:id", async ({ params }) => {
    const event = await deps.events.getEvent(params.id as string);
    if (!event) throw new NotFoundError(`event ${params.id} not found`);
    return { json: { data: eventView(event) } };
  });

  add("GET", "/v1/events", async ({ query }) => ({ json: { data: (await deps.events.listEvents(limitOf(query))).map(eventView) } }));

  add("GET", "/v1/runs/:id", async ({ params }) => {
    const run = await deps.runs.getRun(params.id as string);
    if (!run) throw new NotFoundError(`run ${params.id} not found`);
    return { json: { data: await view(run, await resolveMemos(deps, await deps.runs.listSteps(run.id))) } };
  });

  add("GET", "/v1/runs", async ({ query }) => {
    const status = query.get("status");
    const runs = (await deps.runs.listRuns(limitOf(query))).filter((run) => !status || run.status === status);
    return { json: { data: await views(runs) } };
  });

  add("POST", "/v1/runs/:id/cancel", async ({ params }) => ({ json: { data: await view(await cancelRun(deps, params.id as string)) } }));
  add("POST", "/v1/runs/:id/replay", async ({ params }) => ({ json: { data: await view(await replayRun(deps, params.id as string)) } }));

  add("GET", "/v1/functions", async () => ({ json: { data: (await deps.apps.listFunctions()).map(functionView) } }));
  add("GET", "/v1/apps", async () => ({ json: { data: await appsView(deps) } }));
}

function limitOf(query: URLSearchParams): number {
  const raw = query.get("limit");
  if (raw === null) return 50;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, "limit must be an integer from 1 to 1000");
  return limit;
}

function eventView(event: StoredEvent): Record<string, unknown> {
  return { id: event.id, internal_id: event.id, name: event.name, data: event.data, user: event.user, ts: event.ts, received_at: isoTime(event.receivedAt) };
}

function functionView(fn: FunctionRecord): Record<string, unknown> {
  return { id: fn.id, name: fn.name, app_id: fn.appId, triggers: fn.triggers, url: fn.url, retries: fn.retries, active: fn.active, config: fn.config };
}

async function appsView(deps: EngineDeps): Promise<Record<string, unknown>[]> {
  return (await deps.apps.listApps()).map((app) => ({
    id: app.id,
    url: app.url,
    sdk: app.sdk,
    framework: app.framework ?? null,
    function_ids: app.functionIds,
    synced_at: isoTime(app.syncedAt),
  }));
}
