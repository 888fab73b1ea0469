import type { ExecutionResult, Retriability } from "../execution-types";
import { HeaderNames, REQUEST_VERSION, SDK_IDENTIFIER } from "../version";

/** A framework-neutral HTTP response. */
export interface ServeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** JSON text of a value; `undefined` becomes `null`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value) ?? "null";
}

/**
 * A JSON response with the headers every SDK answer carries (`X-Inngest-SDK`,
 * `x-inngest-req-version`, content type).
 *
 * @example
 * ```ts
 * jsonResponse(200, { ok: true });
 * ```
 */
export function jsonResponse(status: number, value: unknown, extra: Record<string, string> = {}): ServeResponse {
  return {
    status,
    headers: { "content-type": "application/json", [HeaderNames.sdk]: SDK_IDENTIFIER, [HeaderNames.requestVersion]: String(REQUEST_VERSION), ...extra },
    body: toJson(value),
  };
}

/** An error response: `{name, message, error}`. */
export function errorResponse(status: number, message: string, extra: Record<string, string> = {}): ServeResponse {
  return jsonResponse(status, { name: "Error", message, error: message }, extra);
}

function retryHeaders(retriable: Retriability): Record<string, string> {
  const headers: Record<string, string> = { [HeaderNames.noRetry]: retriable === false ? "true" : "false" };
  if (typeof retriable === "string") headers[HeaderNames.retryAfter] = retriable;
  return headers;
}

/**
 * Maps an execution result to the wire: 200 result, 206 ops, 500 retriable / 400 final error
 * (a stale dispatch is a final error).
 *
 * @example
 * ```ts
 * executionResponse({ type: "function-resolved", data: 1 }); // { status: 200, body: "1", ... }
 * ```
 */
export function executionResponse(result: ExecutionResult): ServeResponse {
  switch (result.type) {
    case "function-resolved":
      return jsonResponse(200, result.data);
    case "function-rejected":
      return jsonResponse(result.retriable === false ? 400 : 500, result.error, retryHeaders(result.retriable));
    case "step-ran":
      return jsonResponse(206, [result.op], result.retriable === undefined ? {} : retryHeaders(result.retriable));
    case "steps-found":
      return jsonResponse(206, result.ops);
    case "step-not-found": {
      const found = result.foundSteps.map((op) => `${op.displayName ?? op.id} (${op.id})`).join(", ");
      const message = `could not find step ${result.stepId} to run${found ? `; found new steps: ${found}` : ""}`;
      return jsonResponse(500, { name: "Error", message, error: message, requestedStep: result.stepId, foundSteps: result.foundSteps }, { [HeaderNames.noRetry]: "false" });
    }
    case "stale-dispatch":
      return jsonResponse(400, result.error, retryHeaders(false));
  }
}
