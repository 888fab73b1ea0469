import { ConflictError, FerryError, ThrottledError } from "../../core";

/** Error names the AWS services use for "slow down", across DynamoDB, SQS, Scheduler, EventBridge and S3. */
const THROTTLE_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
  "LimitExceededException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerError",
  "InternalServerException",
  "InternalFailure",
]);

/** The error's name as the AWS SDK reports it (`name`, or the service's `Code`/`__type`). */
export function awsErrorName(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const record = error as { name?: unknown; Code?: unknown; __type?: unknown };
  if (typeof record.Code === "string") return record.Code;
  if (typeof record.name === "string" && record.name !== "Error") return record.name;
  if (typeof record.__type === "string") return record.__type.split("#").pop();
  return undefined;
}

/** True when the service asked us to slow down or was briefly unavailable: worth trying again later. */
export function isThrottle(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name !== undefined && THROTTLE_NAMES.has(name)) return true;
  const meta = (error as { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } } | undefined) ?? {};
  return meta.$retryable?.throttling === true || meta.$metadata?.httpStatusCode === 429 || meta.$metadata?.httpStatusCode === 503;
}

/**
 * Turns whatever an AWS SDK call threw into a core error, so no SDK type leaks out of an
 * adapter: a failed condition is a `ConflictError`, throttling left over after the SDK's
 * adaptive retries is a `ThrottledError` (the job fails and comes back), anything else a
 * `FerryError` naming what was being done. Core errors pass through unchanged.
 */
export function translateAwsError(what: string, error: unknown): Error {
  if (error instanceof FerryError) return error;
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === "ConditionalCheckFailedException") return new ConflictError(`${what}: condition failed`, { cause: error });
  if (isThrottle(error)) return new ThrottledError(`${what}: throttled by AWS (${name ?? "throttling"}): ${message}`, { cause: error });
  return new FerryError(`${what}: ${name ?? "error"}: ${message}`, { cause: error });
}

/**
 * Runs one AWS SDK call and translates its failure (see `translateAwsError`).
 *
 * @example
 * const item = await awsCall(`get run ${id}`, () => client.send(new GetItemCommand(input)));
 */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(what, error);
  }
}
