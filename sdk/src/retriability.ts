import { NonRetriableError, RetryAfterError, StepError } from "./errors";
import type { Retriability } from "./execution-types";

/**
 * Decides how an error affects retries: `false` at the last attempt, for NonRetriableError and
 * for a failed step rethrown by the handler (`isMemoizedStepError`); a Retry-After value for
 * RetryAfterError; otherwise `true`.
 *
 * @example
 * ```ts
 * retriability(new Error("x"), { attempt: 0, maxAttempts: 5 }); // true
 * ```
 */
export function retriability(err: unknown, at: { attempt: number; maxAttempts: number }, isMemoizedStepError: (err: StepError) => boolean = () => false): Retriability {
  if (at.attempt >= at.maxAttempts - 1) return false;
  if (err instanceof NonRetriableError || (err instanceof Error && err.name === "NonRetriableError")) return false;
  if (err instanceof StepError && isMemoizedStepError(err)) return false;
  if (err instanceof RetryAfterError) return err.retryAfter;
  const retryAfter: unknown = err instanceof Error && err.name === "RetryAfterError" ? (err as Error & { retryAfter?: unknown }).retryAfter : undefined;
  if (typeof retryAfter === "string") return retryAfter;
  return true;
}
