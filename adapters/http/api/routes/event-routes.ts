import { ingestEvents, validateEvents } from "../../../../core";
import { constantTimeEqual } from "../../signing";
import type { ApiContext } from "../api-context";
import { HttpError } from "../http-errors";
import { parseJsonBody } from "../json-body";
import type { Router } from "../router";

/**
 * `POST /e/:eventKey`: one event or an array. The whole request is validated before anything is
 * stored, so a 400 means nothing of it was accepted.
 */
export function addEventRoutes(router: Router, context: ApiContext): void {
  router.add("POST", "/e/:key", async (request) => {
    if (context.eventKeys !== undefined && !context.eventKeys.some((key) => constantTimeEqual(key, request.params.key ?? ""))) {
      throw new HttpError(401, "event key not recognized");
    }
    const inputs = validateEvents(parseJsonBody(request.body), context.deps.settings.maxEventBytes);
    const seed = request.headers["x-inngest-event-id-seed"];
    const result = await ingestEvents(context.deps, inputs, typeof seed === "string" && seed ? { idSeed: seed } : {});
    return { json: { ids: result.ids, status: 200 } };
  });
}
