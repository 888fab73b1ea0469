/**
 * `npm run bench:listing`: how fast the dashboard's listings answer over a large database. Fills
 * a fresh SQLite file through the real stores with `--runs` runs (default 100,000) and their
 * events, then times requests to the REST API the dashboard reads (`/v1/runs` with each filter,
 * first and deep pages, `/v1/events`, `/v1/live`, `/v1/runs/:id`) through the engine's router,
 * without sockets. Prints a table and writes `bench/results/listing-<date>-<sha>.json`.
 *
 * Target (the dashboard issue's "paging that stays fast at 100,000 runs"): every request's p99
 * under 10 ms. Exit code 0 even when it is missed (a bench is not a test); non-zero on errors,
 * such as a request that does not answer 200.
 *
 * Flags: `--runs N` (default 100000), `--samples N` timed requests per row (200), `--warmup N`
 * untimed requests first (20).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { buildEngineRouter } from "../adapters/http/api/engine-router";
import { handleApiRequest } from "../adapters/http/api/handle-api-request";
import type { Router } from "../adapters/http/api/router";
import { createLocalEngine, type LocalEngine } from "../adapters/local/local-engine";
import type { FunctionCaller, RunPhase } from "../core";
import { DAYS, filledRuns, FUNCTIONS, stepsOf } from "./listing-data";
import { gitSha, machine, type MachineInfo } from "./machine";
import { round, summarize } from "./stats";

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Every request's p99 must stay under this, in ms. */
const TARGET_P99_MS = 10;
/** The dashboard's page size. */
const PAGE_SIZE = 50;
/** How many pages a deep page is past the first. */
const DEEP_PAGES = 100;
/** Runs written per commit while filling. */
const FILL_BATCH = 2000;
/** Steps of the run whose page is timed. */
const DETAIL_STEPS = 10;

interface ListingSettings {
  runs: number;
  samples: number;
  warmup: number;
}

/** What filling the database took and left. */
interface FillResult {
  ms: number;
  runs: number;
  events: number;
  steps: number;
  /** The database file after a checkpoint (so nothing is left in the WAL). */
  dbBytes: number;
  phases: Partial<Record<RunPhase, number>>;
  busiestFunction: { id: string; runs: number };
  /** Newest run created, and the id of the run given steps. */
  newestCreatedAt: number;
  detailRunId: string;
}

/** One timed request. */
interface RequestResult {
  name: string;
  /** The request, with cursors and long id lists abbreviated. */
  request: string;
  /** Items in `data` (1 for a single run or a live token). */
  rows: number;
  /** Length of the JSON answer. */
  bytes: number;
  ms: { p50: number; p99: number; max: number; mean: number };
  pass: boolean;
}

/** Everything one `npm run bench:listing` produced, as written to `bench/results/listing-*.json`. */
interface ListingReport {
  date: string;
  gitSha?: string;
  machine: MachineInfo;
  settings: ListingSettings & { pageSize: number; deepPages: number; functions: number; days: number; targetP99Ms: number };
  fill: FillResult;
  requests: RequestResult[];
  allPass: boolean;
}

function parseSettings(argv: string[]): ListingSettings {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: "string", default: "100000" }, samples: { type: "string", default: "200" }, warmup: { type: "string", default: "20" } },
    strict: true,
  });
  const integer = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return n;
  };
  return { runs: integer("runs", values.runs, 1), samples: integer("samples", values.samples, 1), warmup: integer("warmup", values.warmup, 0) };
}

/** The engine is never started, so nothing is called. */
const unusedCaller: FunctionCaller = {
  call: async () => {
    throw new Error("bench/listing starts no runs: the engine is not started");
  },
};

/**
 * Writes the runs, their events and one run's steps through the stores, as the engine writes
 * them (`putRun` with no expected version, `putEvent`, `putStep`), committing every
 * `FILL_BATCH` runs: the engine's group commit would otherwise hold all of them in one transaction.
 */
async function fill(engine: LocalEngine, database: string, count: number): Promise<FillResult> {
  const { runs, events } = engine.deps;
  const now = Date.now();
  const phases: Partial<Record<RunPhase, number>> = {};
  const perFunction = new Map<string, number>();
  let newestCreatedAt = 0;
  let detailRunId = "";
  const started = performance.now();
  let written = 0;
  for (const { run, event, phase } of filledRuns(count, now)) {
    await events.putEvent(event);
    await runs.putRun(run, null);
    phases[phase] = (phases[phase] ?? 0) + 1;
    perFunction.set(run.functionId, (perFunction.get(run.functionId) ?? 0) + 1);
    newestCreatedAt = run.createdAt;
    // The newest completed run of the busiest function gets the steps: one a user opens from the first page.
    if ((phase === "completed" && run.functionId === FUNCTIONS[0]) || !detailRunId) detailRunId = run.id;
    if (++written % FILL_BATCH === 0) {
      engine.commit();
      if (written % (FILL_BATCH * 10) === 0) log(`  ${written.toLocaleString("en-US")} runs…`);
    }
  }
  const detailRun = await runs.getRun(detailRunId);
  if (!detailRun) throw new Error(`run ${detailRunId} was not stored`);
  for (const step of stepsOf(detailRun, DETAIL_STEPS)) await runs.putStep(step, null);
  engine.commit();
  const ms = performance.now() - started;
  // Everything into the main file, so its size is the database's.
  engine.db.pragma("wal_checkpoint(TRUNCATE)");
  const [busiestId, busiestRuns] = [...perFunction.entries()].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  return {
    ms: round(ms, 0),
    runs: count,
    events: count,
    steps: DETAIL_STEPS,
    dbBytes: statSync(database).size,
    phases,
    busiestFunction: { id: busiestId, runs: busiestRuns },
    newestCreatedAt,
    detailRunId,
  };
}

/** A parsed request, answered by the router as the dev server would, without its socket. */
class ApiClient {
  constructor(private readonly router: Router) {}

  /**
   * One GET, and the JSON the server would write (serializing is part of answering). Throws
   * unless it answers 200.
   */
  async get(url: URL): Promise<{ json: Record<string, unknown>; bytes: number }> {
    const response = await handleApiRequest(this.router, { method: "GET", path: url.pathname, query: url.searchParams, headers: {}, body: "" });
    const text = response.text ?? JSON.stringify(response.json ?? null);
    if ((response.status ?? 200) !== 200) throw new Error(`GET ${url.pathname}${url.search} → ${response.status}: ${text.slice(0, 500)}`);
    return { json: response.json as Record<string, unknown>, bytes: text.length };
  }

  /**
   * Follows `next_cursor` from the first page of `url` up to `pages` times: the cursor reached
   * and how many pages in, or undefined when the listing has a single page.
   */
  async deepCursor(url: URL, pages: number): Promise<{ cursor: string; depth: number } | undefined> {
    let cursor = "";
    let depth = 0;
    while (depth < pages) {
      const page = new URL(url);
      if (cursor) page.searchParams.set("cursor", cursor);
      const next = (await this.get(page)).json.next_cursor;
      if (typeof next !== "string") break;
      cursor = next;
      depth++;
    }
    return depth > 0 ? { cursor, depth } : undefined;
  }
}

/** One row of the table: a request, and how it is shown. */
interface Case {
  name: string;
  request: string;
  url: URL;
}

const api = (pathAndQuery: string): URL => new URL(pathAndQuery, "http://ferry.bench");

/** The requests the dashboard's pages make, at the page depths that matter. */
async function cases(client: ApiClient, filled: FillResult): Promise<Case[]> {
  const fn = filled.busiestFunction.id;
  const dayStart = filled.newestCreatedAt - Math.floor(DAYS / 2) * 24 * 60 * 60 * 1000;
  const dayEnd = dayStart + 24 * 60 * 60 * 1000;
  const runs = `/v1/runs?limit=${PAGE_SIZE}`;
  const byFunction = `${runs}&function_id=${fn}`;
  const events = `/v1/events?limit=${PAGE_SIZE}`;
  const list: Case[] = [];
  const first = (name: string, path: string): void => void list.push({ name, request: `GET ${path}`, url: api(path) });
  const deep = async (name: string, path: string): Promise<void> => {
    const reached = await client.deepCursor(api(path), DEEP_PAGES);
    if (!reached) return; // too few runs (a small --runs) for a second page
    const { cursor, depth } = reached;
    const url = api(path);
    url.searchParams.set("cursor", cursor);
    list.push({ name: `${name}, page ${depth + 1}`, request: `GET ${path}&cursor=<of page ${depth + 1}>`, url });
  };
  first("runs, first page", runs);
  await deep("runs", runs);
  first("runs of the busiest function, first page", byFunction);
  await deep("runs of the busiest function", byFunction);
  first("runs, phase=failed (1%), first page", `${runs}&phase=failed`);
  first("runs, phase=sleeping (5%), first page", `${runs}&phase=sleeping`);
  first("runs of the busiest function, phase=failed", `${byFunction}&phase=failed`);
  first("runs created in one day, first page", `${runs}&from=${new Date(dayStart).toISOString()}&to=${new Date(dayEnd).toISOString()}`);
  first("events, first page", events);
  await deep("events", events);
  // What the runs page's long poll computes: its listing's newest run and each shown run's version.
  const shown = (await client.get(api(runs))).json.data as { run_id: string }[];
  const live = `/v1/live?timeout_ms=0&runs=${shown.map((run) => run.run_id).join(",")}`;
  list.push({ name: `live token over ${shown.length} runs`, request: `GET /v1/live?timeout_ms=0&runs=<${shown.length} run ids>`, url: api(live) });
  first(`one run with ${DETAIL_STEPS} steps`, `/v1/runs/${filled.detailRunId}`);
  return list;
}

/** Times `samples` requests of `c` after `warmup` untimed ones, one at a time. */
async function measure(client: ApiClient, c: Case, settings: ListingSettings): Promise<RequestResult> {
  let answer = await client.get(c.url);
  for (let i = 1; i < settings.warmup; i++) await client.get(c.url);
  const times: number[] = [];
  for (let i = 0; i < settings.samples; i++) {
    const started = performance.now();
    answer = await client.get(c.url);
    times.push(performance.now() - started);
  }
  const s = summarize(times);
  const data = answer.json.data;
  return {
    name: c.name,
    request: c.request,
    rows: Array.isArray(data) ? data.length : 1,
    bytes: answer.bytes,
    ms: { p50: round(s.p50, 3), p99: round(s.p99, 3), max: round(s.max, 3), mean: round(s.mean, 3) },
    pass: s.p99 < TARGET_P99_MS,
  };
}

/** Pads each column to its widest cell; numbers align right. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")).join("\n");
}

function formatReport(report: ListingReport): string {
  const { machine: m, fill: f, settings: s } = report;
  const mib = (bytes: number): string => `${round(bytes / 2 ** 20, 1)} MiB`;
  const ms = (v: number): string => v.toFixed(2);
  return [
    `Ferry listing bench — ${m.cpus} × ${m.cpuModel}, node ${m.node}, ${m.os}${report.gitSha ? `, ${report.gitSha}` : ""}`,
    `${f.runs.toLocaleString("en-US")} runs of ${s.functions} functions over ${s.days} days and as many events, filled in ${round(f.ms / 1000, 1)} s (${Math.round(f.runs / (f.ms / 1000)).toLocaleString("en-US")} runs/s); database ${mib(f.dbBytes)}`,
    `Busiest function ${f.busiestFunction.id}: ${f.busiestFunction.runs.toLocaleString("en-US")} runs; phases ${Object.entries(f.phases).map(([phase, n]) => `${phase} ${n.toLocaleString("en-US")}`).join(", ")}`,
    `${s.samples} requests per row after ${s.warmup} warm-ups, one at a time, through the router without sockets; ms include serializing the answer`,
    "",
    table([
      ["request", "p50 ms", "p99 ms", "max ms", "rows", `p99 < ${s.targetP99Ms} ms`],
      ...report.requests.map((r) => [r.name, ms(r.ms.p50), ms(r.ms.p99), ms(r.ms.max), String(r.rows), r.pass ? "PASS" : "MISS"]),
    ]),
    "",
    report.allPass ? `Every request's p99 is under ${s.targetP99Ms} ms.` : `Target missed: ${report.requests.filter((r) => !r.pass).map((r) => r.name).join("; ")}.`,
  ].join("\n");
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "ferry-listing-"));
  const database = join(dir, "listing.db");
  const engine = createLocalEngine({ database, caller: unusedCaller });
  try {
    log(`filling ${database} with ${settings.runs.toLocaleString("en-US")} runs and their events…`);
    const filled = await fill(engine, database, settings.runs);
    log(`filled in ${round(filled.ms / 1000, 1)} s, ${round(filled.dbBytes / 2 ** 20, 1)} MiB`);
    const router = buildEngineRouter({
      deps: engine.deps,
      syncApp: async () => {
        throw new Error("bench/listing syncs no apps");
      },
    });
    const client = new ApiClient(router);
    const requests: RequestResult[] = [];
    for (const c of await cases(client, filled)) {
      log(`timing ${c.name}…`);
      requests.push(await measure(client, c, settings));
    }
    const report: ListingReport = {
      date: new Date().toISOString(),
      gitSha: gitSha(),
      machine: machine(),
      settings: { ...settings, pageSize: PAGE_SIZE, deepPages: DEEP_PAGES, functions: FUNCTIONS.length, days: DAYS, targetP99Ms: TARGET_P99_MS },
      fill: filled,
      requests,
      allPass: requests.every((r) => r.pass),
    };
    console.log(formatReport(report));
    const results = join(__dirname, "results");
    mkdirSync(results, { recursive: true });
    const file = join(results, `listing-${report.date.replace(/[:.]/g, "-")}${report.gitSha ? `-${report.gitSha}` : ""}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${file}`);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
