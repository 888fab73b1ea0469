import { cancelRun, NotFoundError, replayRun, resolveRunOutput, runDetail, toRunView, type EngineDeps, type RunRecord, type RunView } from "../../../../core";
import { cursorOf, encodeCursor, limitOf, runListingOf } from "../list-query";
import type { RouteHandler } from "../router";

/** Adds a REST route behind the API's authorization. */
export type AddRoute = (method: string, pattern: string, handler: RouteHandler) => void;

/** A run as lists show it; a large output is read from the PayloadStore and shown whole, as Inngest does. */
export async function runView(deps: EngineDeps, run: RunRecord): Promise<RunView> {
  return toRunView(await resolveRunOutput(deps, run));
}

/** `/v1/runs`: pages of runs with filters, one run with its steps, cancel and replay. */
export function addRunRoutes(add: AddRoute, deps: EngineDeps): void {
  add("GET", "/v1/runs", async ({ query }) => {
    const listing = runListingOf(query, limitOf(query));
    const after = cursorOf(query);
    const page = await deps.runs.listRuns({ ...listing.query, ...(after ? { after } : {}) });
    const runs = page.items.filter(listing.keep);
    return { json: { data: await Promise.all(runs.map((run) => runView(deps, run))), next_cursor: encodeCursor(page.next) } };
  });

  add("GET", "/v1/runs/:id", async ({ params }) => {
    const detail = await runDetail(deps, params.id as string);
    if (!detail) throw new NotFoundError(`run ${params.id} not found`);
    return { json: { data: detail } };
  });

  // The dashboard's search box: one answer for a run id, an event id or neither, never a 404.
  add("GET", "/v1/lookup/:id", async ({ params }) => {
    const [run, event] = await Promise.all([deps.runs.getRun(params.id as string), deps.events.getEvent(params.id as string)]);
    return { json: { data: { run: run !== undefined, event: event !== undefined } } };
  });

  add("POST", "/v1/runs/:id/cancel", async ({ params }) => ({ json: { data: await runView(deps, await cancelRun(deps, params.id as string)) } }));
  add("POST", "/v1/runs/:id/replay", async ({ params }) => ({ json: { data: await runView(deps, await replayRun(deps, params.id as string)) } }));
}
