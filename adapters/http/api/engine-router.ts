import type { ApiContext } from "./api-context";
import { Router } from "./router";
import { addApiRoutes } from "./routes/api-routes";
import { addCheckpointRoutes } from "./routes/checkpoint-routes";
import { addEventRoutes } from "./routes/event-routes";
import { addRegisterRoutes } from "./routes/register-routes";

/** Which parts of the engine API a router serves. */
export interface EngineRouterParts {
  /** `POST /e/:key` (the ingest Lambda on AWS). */
  events?: boolean;
  /** `/fn/register`, `/v1/apps/sync`, the checkpoint API and the REST API (the api Lambda on AWS). */
  engine?: boolean;
}

/**
 * A router with the engine's HTTP API: `ferry dev` serves both parts on one port; a deployment
 * serves them from two Lambdas, so a flood of events cannot starve the management API.
 */
export function buildEngineRouter(context: ApiContext, parts: EngineRouterParts = { events: true, engine: true }, router = new Router()): Router {
  if (parts.events) addEventRoutes(router, context);
  if (parts.engine) {
    addRegisterRoutes(router, context);
    addCheckpointRoutes(router, context);
    addApiRoutes(router, context);
  }
  return router;
}
