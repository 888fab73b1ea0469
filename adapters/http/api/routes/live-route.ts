import { createHash } from "node:crypto";
import { setTimeout as wait } from "node:timers/promises";
import { eventOutcomes, type EngineDeps } from "../../../../core";
import type { LiveOptions } from "../api-context";
import { HttpError } from "../http-errors";
import { runListingOf, type RunListing } from "../list-query";
import type { AddRoute } from "./run-routes";

/** Longest a long poll is held: under API Gateway's 30 s integration timeout. */
export const MAX_LIVE_WAIT_MS = 25_000;
/** Runs one poll may watch (the rows of a page). */
const MAX_WATCHED_RUNS = 200;
/**
 * Runs a filtered watch reads at most, each time it looks (DynamoDB checks filters on the runs it
 * reads): the newest match among the newest 50, or the position it stopped at, which moves with
 * every new run and so wakes the page to list again.
 */
const WATCH_READ_BUDGET = 50;

/** What one page shows, and so what a change of must wake it. */
interface Watch {
  listing: RunListing;
  runIds: string[];
  eventId?: string;
  /** The newest event, for the events page (`events=1`). */
  events: boolean;
}

/**
 * `GET /v1/live`: one long-poll endpoint for every page of the dashboard. It reduces what the
 * page shows to a token (the newest run matching the page's filters; the version of each run on
 * screen, or of the run it details; the runs, skips and holds (debounce, batch) of the event it
 * details; with `events=1`, the newest event) and answers as soon as the token differs from the
 * one the page holds, or after `timeout_ms` with `changed: false`. A long poll rather than
 * server-sent events, because API Gateway's HTTP API (a deployment's REST API) cannot stream a
 * response.
 */
export function addLiveRoute(add: AddRoute, deps: EngineDeps, options: LiveOptions = {}): void {
  const pollMs = options.pollMs ?? 1000;
  add("GET", "/v1/live", async ({ query, signal }) => {
    const watch = watchOf(query);
    const given = query.get("token");
    const timeout = timeoutOf(query);
    const deadline = Date.now() + timeout;
    // Stop holding when the server stops or the page that asked is gone (it left, or reloaded).
    const stop = AbortSignal.any([options.signal, signal].filter((s): s is AbortSignal => s !== undefined));
    let token = await stateToken(deps, watch);
    while (token === given && Date.now() < deadline && !stop.aborted) {
      await pause(Math.min(pollMs, deadline - Date.now()), stop);
      token = await stateToken(deps, watch);
    }
    return { json: { data: { token, changed: token !== given } } };
  });
}

function watchOf(query: URLSearchParams): Watch {
  const runIds = [query.get("run_id"), ...(query.get("runs") ?? "").split(",")].filter((id): id is string => Boolean(id));
  if (runIds.length > MAX_WATCHED_RUNS) throw new HttpError(400, `at most ${MAX_WATCHED_RUNS} runs can be watched at once`);
  const eventId = query.get("event_id") || undefined;
  const listing = runListingOf(query, 1);
  listing.query.readBudget = WATCH_READ_BUDGET;
  return { listing, runIds, events: query.get("events") === "1", ...(eventId ? { eventId } : {}) };
}

function timeoutOf(query: URLSearchParams): number {
  const raw = query.get("timeout_ms");
  if (raw === null) return 20_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_LIVE_WAIT_MS) throw new HttpError(400, `timeout_ms must be an integer from 0 to ${MAX_LIVE_WAIT_MS}`);
  return ms;
}

async function stateToken(deps: EngineDeps, watch: Watch): Promise<string> {
  const [newestRun, runs, newestEvent, eventRuns, outcomes] = await Promise.all([
    deps.runs.listRuns(watch.listing.query),
    Promise.all(watch.runIds.map((id) => deps.runs.getRun(id))),
    watch.events ? deps.events.listEvents({ limit: 1 }) : { items: [] },
    watch.eventId ? deps.runs.listRunsByEvent(watch.eventId) : [],
    // Skips, and a debounce or batch holding the event: routing that starts no run.
    watch.eventId ? eventOutcomes(deps, watch.eventId) : undefined,
  ]);
  const state = [
    newestRun.items.map((run) => run.id),
    newestRun.items.length === 0 ? (newestRun.next ?? null) : null,
    runs.map((run) => (run ? run.version : null)),
    newestEvent.items.map((event) => event.id),
    eventRuns.map((run) => [run.id, run.version]),
    outcomes ?? null,
  ];
  return createHash("sha256").update(JSON.stringify(state)).digest("base64url").slice(0, 22);
}

/** Waits `ms`, or less when `signal` aborts (Node's abortable timer; the abort is not an error here). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return wait(Math.max(0, ms), undefined, { signal }).catch(() => undefined);
}
