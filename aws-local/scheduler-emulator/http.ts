import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The wire side of the EventBridge Scheduler emulator: Scheduler's REST-JSON routes as
 * `@aws-sdk/client-scheduler` (3.11xx) sends them, and errors written the way that client
 * parses them (status code, `x-amzn-errortype` header, `{ "Message" }` body).
 */

/** The Scheduler operations the emulator answers (tag operations are routed but not emulated). */
export type SchedulerOperation =
  | "CreateSchedule"
  | "UpdateSchedule"
  | "GetSchedule"
  | "DeleteSchedule"
  | "ListSchedules"
  | "CreateScheduleGroup"
  | "GetScheduleGroup"
  | "DeleteScheduleGroup"
  | "ListScheduleGroups"
  | "TagResource"
  | "UntagResource"
  | "ListTagsForResource";

/** An error answer: the SDK turns `code` into the exception class of that name. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Status codes from the client's error shapes (`httpError` traits in the SDK's schema). */
export const validationError = (message: string): ApiError => new ApiError("ValidationException", 400, message);
export const notFoundError = (message: string): ApiError => new ApiError("ResourceNotFoundException", 404, message);
export const conflictError = (message: string): ApiError => new ApiError("ConflictException", 409, message);
export const throttlingError = (): ApiError => new ApiError("ThrottlingException", 429, "Rate exceeded");

/** A request matched to an operation; `name` is the decoded `{Name}` (or `{ResourceArn}`) path label. */
export interface RoutedRequest {
  operation: SchedulerOperation;
  name?: string;
  query: URLSearchParams;
}

/**
 * Matches method and path to an operation, as the client's operation schemas define them:
 * `POST|PUT|GET|DELETE /schedules/{Name}`, `GET /schedules`, `POST|GET|DELETE
 * /schedule-groups/{Name}`, `GET /schedule-groups`, `POST|DELETE|GET /tags/{ResourceArn}`.
 */
export function route(method: string, rawUrl: string): RoutedRequest | undefined {
  const url = new URL(rawUrl, "http://emulator");
  // Split before decoding: a name holding an encoded "/" must stay one (invalid) label.
  const segments = url.pathname.split("/").slice(1);
  const [collection, label, extra] = segments;
  if (extra !== undefined) return undefined;
  let name: string | undefined;
  try {
    name = label === undefined ? undefined : decodeURIComponent(label);
  } catch {
    return undefined;
  }
  const query = url.searchParams;
  const table: Record<string, Record<string, SchedulerOperation>> = {
    schedules: { POST: "CreateSchedule", PUT: "UpdateSchedule", GET: "GetSchedule", DELETE: "DeleteSchedule" },
    "schedule-groups": { POST: "CreateScheduleGroup", GET: "GetScheduleGroup", DELETE: "DeleteScheduleGroup" },
    tags: { POST: "TagResource", DELETE: "UntagResource", GET: "ListTagsForResource" },
  };
  if (collection === undefined || !(collection in table)) return undefined;
  if (name === undefined || name === "") {
    if (method !== "GET") return undefined;
    if (collection === "schedules") return { operation: "ListSchedules", query };
    if (collection === "schedule-groups") return { operation: "ListScheduleGroups", query };
    return undefined;
  }
  const operation = table[collection]?.[method];
  return operation === undefined ? undefined : { operation, name, query };
}

/** The request's JSON body (`{}` when empty); malformed JSON is a ValidationException. */
export async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validationError("request body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw validationError("request body must be a JSON object");
  return body as Record<string, unknown>;
}

/** Writes a 2xx JSON answer. */
export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-amzn-requestid": randomUUID() });
  response.end(text);
}

/** Writes an error the way Scheduler does: the SDK reads the type from the header and `Message` from the body. */
export function sendError(response: ServerResponse, error: ApiError): void {
  const text = JSON.stringify({ Message: error.message });
  response.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-errortype": error.code,
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}
