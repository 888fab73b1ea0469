import { z } from "zod";
import { ValidationError } from "../errors";
import { HTTP_URL_MESSAGE, isHttpUrl } from "./http-url";

/** The engine calls these URLs, so only http(s) is accepted (`z.string().url()` takes `file:`). */
const httpUrl = z.string().refine(isHttpUrl, { message: HTTP_URL_MESSAGE });

/**
 * The body an SDK POSTs to `/fn/register`. Flow-control fields are accepted in the wire shape
 * and kept as given; their semantics are checked by flow control, not here.
 */
const trigger = z.union([
  z.object({ event: z.string().min(1), expression: z.string().optional().nullable() }).passthrough(),
  z.object({ cron: z.string().min(1) }).passthrough(),
]);

const concurrencyItem = z.object({ limit: z.number(), key: z.string().optional(), scope: z.enum(["fn", "env", "account"]).optional() }).passthrough();

const step = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    runtime: z.object({ type: z.string().optional(), url: httpUrl }).passthrough(),
    retries: z.object({ attempts: z.number().int() }).partial().optional(),
  })
  .passthrough();

const fn = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    triggers: z.array(trigger).min(1).max(10),
    steps: z.record(z.string(), step),
    concurrency: z.union([z.number(), concurrencyItem, z.array(concurrencyItem)]).optional().nullable(),
  })
  .passthrough();

/** Schema of a registration request. */
export const registrationSchema = z
  .object({
    url: httpUrl,
    appName: z.string().min(1),
    v: z.string().optional(),
    deployType: z.string().optional(),
    sdk: z.string().optional(),
    framework: z.string().optional(),
    functions: z.array(fn),
  })
  .passthrough();

/** A parsed registration. */
export type Registration = z.infer<typeof registrationSchema>;
/** One function of a registration. */
export type RegisteredFunction = Registration["functions"][number];

/** Parses a registration body; throws ValidationError naming the first bad field. */
export function parseRegistration(body: unknown): Registration {
  const result = registrationSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "";
  const fnId = describeFunction(body, issue?.path);
  throw new ValidationError(`invalid registration${fnId}: ${path || "body"}: ${issue?.message ?? "invalid"}`, path || "body");
}

function describeFunction(body: unknown, path: readonly PropertyKey[] | undefined): string {
  if (!path || path[0] !== "functions" || typeof path[1] !== "number") return "";
  const functions = (body as { functions?: { id?: unknown }[] }).functions;
  const id = functions?.[path[1]]?.id;
  return typeof id === "string" ? ` (function ${JSON.stringify(id)})` : "";
}
