import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The AWS JSON protocol (awsJson1_1) as the bed's emulators speak it: the operation in
 * `X-Amz-Target: <prefix>.<Operation>`, a JSON object body, and errors answered with `__type`
 * in the body and the `x-amzn-errortype` header, status 400 unless the service failed.
 */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Reads a request: its operation (the target without `prefix`) and its body text. */
export async function readAwsJsonRequest(req: IncomingMessage, prefix: string): Promise<{ operation: string; text: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = String(req.headers["x-amz-target"] ?? "");
  return { operation: target.startsWith(prefix) ? target.slice(prefix.length) : target, text: Buffer.concat(chunks).toString("utf8") };
}

/** The request body as an object, or the `SerializationException` AWS answers. */
export function parseAwsJsonBody(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text || "{}") as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AwsJsonError("SerializationException", "The request body is not a JSON object.");
}

/** The answer to `error`, whatever was thrown: an `AwsJsonError` as is, anything else a 500 of `internalType`. */
export function awsJsonErrorOf(error: unknown, internalType: string): AwsJsonError {
  return error instanceof AwsJsonError ? error : new AwsJsonError(internalType, String(error), 500);
}

/** Writes an answer; `errorType` names the error in the header SDKs read first. */
export function writeAwsJsonAnswer(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(body));
}
