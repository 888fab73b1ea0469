import { checkpointSteps, memoValue, NotFoundError, parseCheckpointRequest, runEvents } from "../../../../core";
import type { ApiContext } from "../api-context";
import { sdkRouteAuth } from "../bearer-auth";
import { HttpError } from "../http-errors";
import { parseJsonBody } from "../json-body";
import type { Router } from "../router";

/**
 * What SDKs call while running a function: the checkpoint API (steps a call finished, reported
 * as it goes on) and, for a call sent with `ctx.use_api`, the run's memo and events. Like
 * `/fn/register`, they need the signing key (as `Bearer <hashed key>`) whenever one is set.
 */
export function addCheckpointRoutes(router: Router, context: ApiContext): void {
  const { deps } = context;
  const fromSdk = sdkRouteAuth(context);

  router.add("POST", "/v1/checkpoint/:runId/async", fromSdk(async ({ params, body }) => {
    const runId = params.runId as string;
    const request = parseCheckpointRequest(runId, parseJsonBody(body));
    const result = await checkpointSteps(deps, { runId, callId: request.callId, ops: request.ops });
    if (result === "unknown-run") throw new NotFoundError(`run ${runId} not found`);
    // 409 is what tells the SDK to stop: the run ended or moved on without this call.
    if (result === "stale") throw new HttpError(409, `run ${runId} is no longer waiting for call ${request.callId}`);
    return { json: { ok: true } };
  }));

  router.add("GET", "/v0/runs/:runId/actions", fromSdk(async ({ params }) => {
    const runId = params.runId as string;
    if (!(await deps.runs.getRun(runId))) throw new NotFoundError(`run ${runId} not found`);
    const actions: Record<string, unknown> = {};
    for (const step of await deps.runs.listSteps(runId)) if (step.memo) actions[step.id] = await memoValue(deps, step.memo);
    return { json: actions };
  }));

  router.add("GET", "/v0/runs/:runId/batch", fromSdk(async ({ params }) => {
    const run = await deps.runs.getRun(params.runId as string);
    if (!run) throw new NotFoundError(`run ${params.runId} not found`);
    return { json: await runEvents(deps, run) };
  }));
}
