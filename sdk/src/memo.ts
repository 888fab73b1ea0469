import { stepErrorFrom } from "./error-serde";
import type { StepError } from "./errors";
import type { StepRequest } from "./step-types";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Turns a memoized value into what the step tool resolves to (or rejects with):
 * `{data}` → data, `{error}` → a StepError, sleeps → undefined, waits → the event or null.
 * `onError` sees every StepError created, so the executor can tell a rethrown step failure.
 *
 * @example
 * ```ts
 * await readMemo(request, { data: 42 }, () => undefined); // 42
 * ```
 */
export function readMemo(request: StepRequest, value: unknown, onError: (err: StepError) => void): Promise<unknown> {
  switch (request.kind) {
    case "sleep":
      return Promise.resolve(undefined);
    case "waitForEvent": {
      if (value === null || value === undefined) return Promise.resolve(null);
      const wrapped = isObject(value) && Object.keys(value).length === 1 && isObject(value.data) && typeof value.data.name === "string";
      return Promise.resolve(wrapped ? value.data : value);
    }
    default: {
      if (isObject(value) && "data" in value) return Promise.resolve(value.data);
      if (isObject(value) && "error" in value) {
        const err = stepErrorFrom(request.userId, value.error);
        onError(err);
        return Promise.reject(err);
      }
      return Promise.resolve(value === undefined ? null : value);
    }
  }
}
