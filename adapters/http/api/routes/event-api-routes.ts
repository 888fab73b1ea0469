import { eventOutcomes, ingestEvents, NotFoundError, toEventView, validateEvents, type EngineDeps } from "../../../../core";
import { parseJsonBody } from "../json-body";
import { cursorOf, encodeCursor, limitOf } from "../list-query";
import { runView, type AddRoute } from "./run-routes";

/**
 * `/v1/events`: pages of events, one event, what became of it, and sending events with the
 * signing key instead of an event key (what the dashboard's "send event" and "invoke" use).
 */
export function addEventApiRoutes(add: AddRoute, deps: EngineDeps): void {
  add("GET", "/v1/events/:id/runs", async ({ params }) => {
    const outcomes = await eventOutcomes(deps, params.id as string);
    if (!outcomes) throw new NotFoundError(`event ${params.id} not found`);
    const runs = await deps.runs.listRunsByEvent(params.id as string);
    return { json: { data: await Promise.all(runs.map((run) => runView(deps, run))), ...outcomes } };
  });

  add("GET", "/v1/events/:id", async ({ params }) => {
    const event = await deps.events.getEvent(params.id as string);
    if (!event) throw new NotFoundError(`event ${params.id} not found`);
    return { json: { data: toEventView(event) } };
  });

  add("GET", "/v1/events", async ({ query }) => {
    const after = cursorOf(query);
    const page = await deps.events.listEvents({ limit: limitOf(query), ...(after ? { after } : {}) });
    return { json: { data: page.items.map(toEventView), next_cursor: encodeCursor(page.next) } };
  });

  // Validated whole before anything is stored, as `POST /e/:key` is: a 400 accepted nothing.
  add("POST", "/v1/events", async ({ body }) => {
    const inputs = validateEvents(parseJsonBody(body), deps.settings.maxEventBytes);
    const result = await ingestEvents(deps, inputs);
    return { json: { data: { ids: result.ids } } };
  });
}
