import type { CloudFormationCustomResourceEvent } from "aws-lambda";

/** What a custom resource tells CloudFormation. */
export interface CustomResourceOutcome {
  status: "SUCCESS" | "FAILED";
  reason: string;
  physicalResourceId: string;
  data?: Record<string, string>;
}

/** CloudFormation refuses a response body larger than this (bytes). */
export const MAX_RESPONSE_BYTES = 4096;

/**
 * The JSON body CloudFormation expects at `ResponseURL`. A long reason is cut (with a marker) so
 * the whole body stays within {@link MAX_RESPONSE_BYTES}; a body over the limit would be
 * rejected and leave the stack waiting.
 */
export function responseBody(event: CloudFormationCustomResourceEvent, outcome: CustomResourceOutcome): string {
  const render = (reason: string) =>
    JSON.stringify({
      Status: outcome.status,
      Reason: reason,
      PhysicalResourceId: outcome.physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: false,
      Data: outcome.data ?? {},
    });
  const whole = render(outcome.reason);
  if (Buffer.byteLength(whole) <= MAX_RESPONSE_BYTES) return whole;
  // JSON escaping and multi-byte characters make bytes and characters differ: search for the
  // longest prefix of the reason that fits.
  const cut = (length: number) => render(`${outcome.reason.slice(0, length)} [truncated]`);
  let low = 0;
  let high = outcome.reason.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(cut(middle)) <= MAX_RESPONSE_BYTES) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}

/** How hard {@link putResponse} tries. */
export interface PutResponseOptions {
  /** Attempts in all: the first plus retries on network failures and 5xx. @default 4 */
  attempts?: number;
  /** Delay before the first retry, doubled for each next one (ms). @default 500 */
  delayMs?: number;
}

/**
 * PUTs a response body to CloudFormation's presigned S3 `ResponseURL`. The URL is signed for an
 * empty content type, so `content-type` is sent empty (fetch would otherwise add
 * `text/plain`) and `content-length` is set explicitly. Retries network failures and 5xx (up to
 * 3 retries by default); a 4xx will not get better and rejects at once.
 */
export async function putResponse(responseUrl: string, body: string, options: PutResponseOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 4;
  let delay = options.delayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    const failure = await putOnce(responseUrl, body);
    if (failure === undefined) return;
    if (attempt >= attempts) throw new Error(`${failure} (after ${attempts} attempts)`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay *= 2;
  }
}

/** One PUT: undefined when delivered, a reason worth retrying, or a rejection for a 4xx. */
async function putOnce(responseUrl: string, body: string): Promise<string | undefined> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(responseUrl, {
      method: "PUT",
      headers: { "content-type": "", "content-length": String(Buffer.byteLength(body)) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    text = await response.text();
  } catch (error) {
    // The URL itself stays out of messages: it carries a signature that lets anyone answer.
    return `could not reach ResponseURL: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
  }
  if (response.ok) return undefined;
  const failure = `ResponseURL answered ${response.status}: ${text.slice(0, 300)}`;
  if (response.status < 500) throw new Error(failure);
  return failure;
}
