import { toMilliseconds, type Duration } from "./duration";

/**
 * Thrown from a function or a step to stop retrying at once: the step (or run) fails now.
 *
 * @example
 * ```ts
 * if (!user) throw new NonRetriableError("user not found");
 * ```
 */
export class NonRetriableError extends Error {
  /** What caused this error, if anything. */
  override readonly cause: unknown;

  /** Creates the error; `cause` is kept for logging. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = "NonRetriableError";
    this.cause = options?.cause;
  }
}

/**
 * Thrown to ask the engine to retry no sooner than a given time.
 * `retryAfter` is milliseconds, a duration string (`"30s"`) or a Date.
 *
 * @example
 * ```ts
 * throw new RetryAfterError("rate limited upstream", "30s");
 * ```
 */
export class RetryAfterError extends Error {
  /** What caused this error, if anything. */
  override readonly cause: unknown;
  /** The `Retry-After` header value: whole seconds, or an ISO date. */
  readonly retryAfter: string;

  /** Creates the error; throws when `retryAfter` is not a valid delay. */
  constructor(message: string, retryAfter: Duration | Date, options?: { cause?: unknown }) {
    super(message);
    this.name = "RetryAfterError";
    this.cause = options?.cause;
    if (retryAfter instanceof Date) {
      if (Number.isNaN(retryAfter.getTime())) throw new Error("retryAfter is an invalid Date");
      this.retryAfter = retryAfter.toISOString();
    } else {
      this.retryAfter = String(Math.ceil(toMilliseconds(retryAfter) / 1000));
    }
  }
}

/**
 * The error a failed step rethrows inside the handler once its retries are spent.
 * `name`, `message` and `stack` are those of the original error.
 *
 * @example
 * ```ts
 * try { await step.run("charge", charge); } catch (err) { if (err instanceof StepError) ... }
 * ```
 */
export class StepError extends Error {
  /** The user's step id that failed. */
  readonly stepId: string;
  /** What caused this error, if anything. */
  override readonly cause: unknown;

  /** Builds the error from a step id and a deserialized original error. */
  constructor(stepId: string, original: { name: string; message: string; stack?: string; cause?: unknown }) {
    super(original.message);
    this.stepId = stepId;
    this.name = original.name;
    this.stack = original.stack;
    this.cause = original.cause;
  }
}
