import { RUN_PHASES, type PageCursor, type RunPhase, type RunQuery, type RunRecord, type RunStatus } from "../../../core";
import { HttpError } from "./http-errors";

/** Items per page when the caller names no `limit`. */
export const DEFAULT_PAGE_SIZE = 50;

/** `limit` as given (1..1000), or the default page size. */
export function limitOf(query: URLSearchParams): number {
  const raw = query.get("limit");
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, "limit must be an integer from 1 to 1000");
  return limit;
}

/** A page cursor as the API hands it out: opaque to clients, so its form can change. */
export function encodeCursor(cursor: PageCursor | undefined): string | null {
  return cursor ? Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url") : null;
}

/** The `cursor` parameter, or undefined; a 400 when it is not one this API handed out. */
export function cursorOf(query: URLSearchParams): PageCursor | undefined {
  const raw = query.get("cursor");
  if (raw === null || raw === "") return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown[];
    if (typeof at === "number" && Number.isFinite(at) && typeof id === "string") return { at, id };
  } catch {
    // Reported below, as every malformed cursor is.
  }
  throw new HttpError(400, "cursor is not one this API handed out (pass next_cursor from the previous page)");
}

/** A run listing as asked for: the store query, and a check for what the store cannot filter. */
export interface RunListing {
  query: RunQuery;
  /** Inngest's `status=Running` spans four phases: checked on each listed run, so a page can be short. */
  keep: (run: RunRecord) => boolean;
}

/** The run filters of `/v1/runs` and `/v1/live`: function, phase (or Inngest's status) and a creation time range. */
export function runListingOf(query: URLSearchParams, limit: number): RunListing {
  const runQuery: RunQuery = { limit };
  const functionId = query.get("function_id");
  if (functionId) runQuery.functionId = functionId;
  const status = query.get("status") || undefined;
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) throw new HttpError(400, `status must be one of ${RUN_STATUSES.join(", ")}`);
  // A finished status names one phase; the store filters by it.
  const phase = query.get("phase") || (status === "Running" ? undefined : status?.toLowerCase());
  if (phase) {
    if (!RUN_PHASES.includes(phase as RunPhase)) throw new HttpError(400, `phase must be one of ${RUN_PHASES.join(", ")}`);
    runQuery.phase = phase as RunPhase;
  }
  const from = timeOf(query, "from");
  const to = timeOf(query, "to");
  if (from !== undefined) runQuery.from = from;
  if (to !== undefined) runQuery.to = to;
  return { query: runQuery, keep: (run) => status === undefined || run.status === status };
}

const RUN_STATUSES: readonly RunStatus[] = ["Running", "Completed", "Failed", "Cancelled"];

/** An ISO date-time or epoch milliseconds. */
function timeOf(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, `${name} must be an ISO date-time or epoch milliseconds`);
  return ms;
}
