import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { ApiContext } from "../adapters/http/api/api-context";
import { buildEngineRouter, type EngineRouterParts } from "../adapters/http/api/engine-router";
import { handleApiRequest, INTERNAL_ERROR_RESPONSE } from "../adapters/http/api/handle-api-request";
import type { Router } from "../adapters/http/api/router";
import { apiRequestOf, httpApiResult } from "./http-api-event";
import { logError, publishMetrics, type Telemetry } from "./telemetry";

/** What an HTTP API Lambda is built from. */
export interface HttpHandlerDeps {
  context: ApiContext;
  telemetry: Telemetry;
}

/**
 * A Lambda handler serving part of the engine API behind API Gateway, the same routes `ferry
 * dev` serves. A bug answers 500 without details and is logged with the request's method and
 * path (never its body: events carry user data).
 */
export function makeHttpHandler(deps: () => Promise<HttpHandlerDeps>, parts: EngineRouterParts): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  let router: Router | undefined;
  return async (event) => {
    const { context, telemetry } = await deps();
    router ??= buildEngineRouter(context, parts);
    const request = apiRequestOf(event);
    try {
      return httpApiResult(await handleApiRequest(router, request));
    } catch (error) {
      logError(telemetry.logger, `${request.method} ${request.path} failed`, error);
      return httpApiResult(INTERNAL_ERROR_RESPONSE);
    } finally {
      publishMetrics(telemetry.metrics);
    }
  };
}
