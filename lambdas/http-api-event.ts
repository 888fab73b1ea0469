import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { RawApiRequest } from "../adapters/http/api/handle-api-request";
import type { ApiResponse } from "../adapters/http/api/router";

/**
 * The request an HTTP API (payload format 2.0) hands a Lambda, as the engine API reads it.
 * API Gateway lower-cases header names and may base64-encode the body; the body is decoded to
 * the exact text the client sent, which signature checks need.
 */
export function apiRequestOf(event: APIGatewayProxyEventV2): RawApiRequest {
  const body = event.body === undefined ? "" : event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString),
    headers: { ...event.headers },
    body,
  };
}

/** The engine API's answer in the shape HTTP API expects back from a Lambda. */
export function httpApiResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status ?? 200,
    headers: {
      "content-type": response.contentType ?? "application/json",
      "x-content-type-options": "nosniff",
      ...response.headers,
    },
    body: response.text ?? JSON.stringify(response.json ?? null),
    isBase64Encoded: false,
  };
}
