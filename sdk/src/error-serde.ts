import { StepError } from "./errors";

/** An error as it travels on the wire. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  /** Marks the object as a serialized error (Inngest convention). */
  __serialized?: true;
  [key: string]: unknown;
}

/**
 * Turns anything thrown into a JSON-safe `{name, message, stack}` (causes kept up to 5 deep).
 *
 * @example
 * ```ts
 * serializeError(new Error("boom")); // { name: "Error", message: "boom", stack: "...", __serialized: true }
 * ```
 */
export function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (thrown instanceof Error) {
    const out: SerializedError = { name: thrown.name || "Error", message: thrown.message, stack: thrown.stack ?? "", __serialized: true };
    if (thrown.cause !== undefined && depth < 5) out.cause = serializeError(thrown.cause, depth + 1);
    return out;
  }
  if (isSerializedError(thrown)) return { ...thrown };
  const message = typeof thrown === "string" ? thrown : safeStringify(thrown);
  return { name: "Error", message: message || "Unknown error", stack: "", __serialized: true };
}

/** True for an object that already looks like a serialized error. */
export function isSerializedError(value: unknown): value is SerializedError {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.message === "string";
}

/**
 * Rebuilds an Error from its wire form, keeping name, message, stack and cause.
 *
 * @example
 * ```ts
 * const err = deserializeError({ name: "TypeError", message: "x" }); // err.name === "TypeError"
 * ```
 */
export function deserializeError(value: unknown): Error {
  if (!isSerializedError(value)) return new Error(typeof value === "string" ? value : `Unknown error: ${safeStringify(value)}`);
  const err = new Error(value.message, value.cause !== undefined ? { cause: isSerializedError(value.cause) ? deserializeError(value.cause) : value.cause } : undefined);
  err.name = value.name;
  if (typeof value.stack === "string") err.stack = value.stack;
  return err;
}

/** Builds the StepError a memoized `{error}` rethrows in the handler. */
export function stepErrorFrom(stepId: string, value: unknown): StepError {
  const err = deserializeError(value);
  return new StepError(stepId, { name: err.name, message: err.message, stack: err.stack, cause: err.cause });
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
