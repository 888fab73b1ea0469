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

/**
 * The most an error kept in a record takes, as JSON (bytes). A run's error is rewritten with the
 * run, and a step keeps up to 20 attempt errors beside a memo of up to 64 KB: bounded like this,
 * neither comes near DynamoDB's 400 KB item limit, whatever a function throws.
 */
export const MAX_ERROR_BYTES = 8 * 1024;

const errorEncoder = new TextEncoder();
const errorBytes = (error: SerializedError) => errorEncoder.encode(JSON.stringify(error)).length;

/**
 * An error cut down to `maxBytes` of JSON when larger: its name (at most 200 characters), the
 * start of its message with a note saying how big it was, and the start of its stack; other
 * fields an SDK added are dropped. Smaller errors are returned unchanged. Pure, so the same
 * error always gives the same record (a redelivered ending writes what the first one did).
 */
export function boundedError(error: SerializedError, maxBytes = MAX_ERROR_BYTES): SerializedError {
  const bytes = errorBytes(error);
  if (bytes <= maxBytes) return error;
  const name = cut(String(error.name), 200);
  const note = ` [truncated by Ferry: the error was ${bytes} bytes]`;
  const message = String(error.message);
  const stack = typeof error.stack === "string" ? error.stack : undefined;
  let messageChars = Math.floor(maxBytes / 2);
  let stackChars = Math.floor(maxBytes / 3);
  for (;;) {
    const bounded: SerializedError = { name, message: cut(message, messageChars) + note };
    if (stack !== undefined) bounded.stack = cut(stack, stackChars);
    if (errorBytes(bounded) <= maxBytes || (messageChars === 0 && stackChars === 0)) return bounded;
    messageChars = Math.floor(messageChars / 2);
    stackChars = Math.floor(stackChars / 2);
  }
}

/** The first `chars` UTF-16 units of `text`, never splitting a surrogate pair. */
function cut(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const end = chars > 0 && /[\uD800-\uDBFF]/.test(text.charAt(chars - 1)) ? chars - 1 : chars;
  return text.slice(0, end);
}
