/** Errors raised by the engine core. Adapters translate vendor errors into these. */

/** Base class of every core error, so callers can tell engine errors from bugs. */
export class FerryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FerryError";
  }
}

/**
 * A conditional write lost a race: the record changed (or already existed) since it was read.
 * The caller re-reads and decides again; this is how every state change stays a single-item
 * compare-and-set that works on DynamoDB as well as SQLite.
 */
export class ConflictError extends FerryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConflictError";
  }
}

/** Input from outside (an API caller, an SDK registration) that the engine refuses; maps to HTTP 4xx. */
export class ValidationError extends FerryError {
  /** Where in the input the problem is, e.g. `functions[0].triggers[1].expression`. */
  readonly field?: string;
  constructor(message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ValidationError";
    this.field = field;
  }
}

/** A record the caller named does not exist; maps to HTTP 404. */
export class NotFoundError extends FerryError {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** An error as it crosses the wire: the SDK's serialized shape, kept loose because SDKs add fields. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [extra: string]: unknown;
}

/** Turns anything thrown or returned as an error into the serialized shape. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  if (error && typeof error === "object") {
    const record = error as Record<string, unknown>;
    return {
      ...record,
      name: typeof record.name === "string" ? record.name : "Error",
      message: typeof record.message === "string" ? record.message : JSON.stringify(error),
    };
  }
  return { name: "Error", message: String(error) };
}

/**
 * A service refused work for now (throttling, a transient outage) even after the client's own
 * retries. The job that hit it fails and is delivered again later; nothing is lost.
 */
export class ThrottledError extends FerryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ThrottledError";
  }
}
