import type { ApiContext } from "../api-context";
import { restApiAuth } from "../bearer-auth";
import type { Router } from "../router";
import { addEventApiRoutes } from "./event-api-routes";
import { addFunctionRoutes } from "./function-routes";
import { addLiveRoute } from "./live-route";
import { addRunRoutes, type AddRoute } from "./run-routes";

/**
 * The REST API in the shape of Inngest's public v1 API (`{data: ...}`, runs with `run_id`,
 * `status`, `output`, ...), so scripts written against Inngest work here; Ferry's additions
 * (phases, steps, pending ops, event outcomes, flow state, paging, live updates) are what the
 * dashboard reads: it has no other back door.
 */
export function addApiRoutes(router: Router, context: ApiContext): void {
  const authorized = restApiAuth(context);
  const add: AddRoute = (method, pattern, handler) => router.add(method, pattern, authorized(handler));
  addRunRoutes(add, context.deps);
  addEventApiRoutes(add, context.deps);
  addFunctionRoutes(add, context.deps);
  addLiveRoute(add, context.deps, context.live);
}
