import { engineHeaders, engineUrl, type EngineConnection } from "./engine-api";
import type { CallRequest } from "./execution-types";
import type { FerryEvent } from "./types";

/** What a call replays against: the memoized steps and the run's events. */
export interface RunState {
  /** Memoized step values keyed by hashed step id (a copy: the execution adds to it). */
  steps: Record<string, unknown>;
  events: FerryEvent[] | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function getJson(engine: EngineConnection, path: string): Promise<unknown> {
  const url = engineUrl(engine, path);
  let status: number;
  let text: string;
  try {
    const res = await engine.fetch(url, { method: "GET", headers: engineHeaders(engine.signingKey) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    throw new Error(`could not load run state: GET ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (status < 200 || status >= 300) throw new Error(`could not load run state: GET ${url} answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`could not load run state: GET ${url} answered with a body that is not JSON`);
  }
}

/**
 * The state a call replays against. Usually the call body's `steps` and `events`; with
 * `ctx.use_api` (the engine found them too large for the body) they come from
 * `GET /v0/runs/{runId}/actions` and `/batch` instead. Throws when either read fails, so user
 * code never runs against a partial memo.
 *
 * @example
 * ```ts
 * const { steps, events } = await loadRunState(body, engineConnection(ferry));
 * ```
 */
export async function loadRunState(request: CallRequest, engine: EngineConnection): Promise<RunState> {
  if (!request.ctx?.use_api) return { steps: { ...request.steps }, events: request.events };
  const runId = request.ctx.run_id;
  if (!runId) throw new Error("could not load run state: ctx.use_api is set but ctx.run_id is missing");
  const base = `/v0/runs/${encodeURIComponent(runId)}`;
  const [steps, events] = await Promise.all([getJson(engine, `${base}/actions`), getJson(engine, `${base}/batch`)]);
  if (!isRecord(steps)) throw new Error(`could not load run state: GET ${engineUrl(engine, `${base}/actions`)} did not answer a JSON object`);
  if (!Array.isArray(events)) throw new Error(`could not load run state: GET ${engineUrl(engine, `${base}/batch`)} did not answer a JSON array`);
  return { steps, events: events as FerryEvent[] };
}
