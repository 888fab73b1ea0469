import { serializeError, type SerializedError } from "../errors";
import type { FunctionCallResponse } from "../ports/function-caller";
import { parseOps, type WireOp } from "../protocol/opcodes";
import { parseRetryAfter } from "./retry-policy";

/** What one call to a function endpoint amounted to. */
export type CallOutcome =
  /** `steps`: steps that finished in the same answer (an SDK that ran steps inline before returning). */
  | { type: "completed"; output: unknown; steps?: WireOp[] }
  | { type: "ops"; ops: WireOp[]; retryAt?: number }
  | { type: "function-error"; error: SerializedError; retriable: boolean; retryAt?: number };

/**
 * Reads an SDK response into an outcome. Anything that is not a recognisable SDK answer (a
 * proxy's 502, HTML, a missing SDK header on a 2xx) is a retriable error: the function may
 * simply not be up yet.
 */
export function interpretResponse(response: FunctionCallResponse, now: number): CallOutcome {
  const { status, headers } = response;
  const body = parseBody(response.body);
  const retryAt = parseRetryAfter(headers["retry-after"], now);
  if (status === 200 || status === 206) {
    if (!headers["x-inngest-sdk"]) {
      return retriable(`endpoint answered ${status} without an X-Inngest-SDK header; is this a Ferry/Inngest serve endpoint?`);
    }
    if (status === 200) return { type: "completed", output: body.ok ? body.value : response.body };
    if (!body.ok) return retriable("SDK answered 206 with a body that is not JSON");
    try {
      const ops = parseOps(body.value);
      const complete = ops.find((op) => op.op === "RunComplete");
      if (complete) {
        const steps = ops.filter((op) => op !== complete);
        return steps.length ? { type: "completed", output: unwrapData(complete.data), steps } : { type: "completed", output: unwrapData(complete.data) };
      }
      return { type: "ops", ops, retryAt };
    } catch (error) {
      return retriable((error as Error).message);
    }
  }
  const noRetry = headers["x-inngest-no-retry"] === "true";
  const error = body.ok ? serializeError(body.value) : { name: "Error", message: `HTTP ${status}: ${response.body.slice(0, 500)}` };
  if (status === 401) error.message = `endpoint rejected the call (401): ${error.message}`;
  return { type: "function-error", error, retriable: !noRetry, retryAt };
}

function retriable(message: string): CallOutcome {
  return { type: "function-error", error: { name: "Error", message }, retriable: true };
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** RunComplete carries `{data}` in some SDK versions and the raw value in others. */
function unwrapData(data: unknown): unknown {
  if (data && typeof data === "object" && !Array.isArray(data) && "data" in data && Object.keys(data).length === 1) {
    return (data as { data: unknown }).data;
  }
  return data;
}
