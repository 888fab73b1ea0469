/**
 * The records `bench/listing.ts` fills its database with: runs as the engine leaves them in each
 * phase, each with its triggering event (about 300 bytes of JSON), spread over 20 functions and
 * 30 days. Seeded, so two fills of the same size hold the same records.
 */
import { createHash } from "node:crypto";
import { ulid } from "ulid";
import type { FerryEvent, PendingOp, RunPhase, RunRecord, StepRecord, StoredEvent } from "../core";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days the runs' creation times are spread over, ending now. */
export const DAYS = 30;

/**
 * The 20 functions, busiest first: function `i` gets a share proportional to 1 / (i + 1) (Zipf),
 * so the busiest has about 28% of the runs and the quietest about 1.4%, as in an app where a few
 * functions do most of the work.
 */
export const FUNCTIONS: readonly string[] = [
  "order-placed",
  "send-receipt",
  "sync-inventory",
  "charge-card",
  "ship-order",
  "refund-order",
  "welcome-email",
  "nightly-report",
  "reindex-search",
  "expire-carts",
  "resize-image",
  "notify-slack",
  "import-csv",
  "rotate-keys",
  "trial-ending",
  "churn-survey",
  "export-ledger",
  "cleanup-uploads",
  "audit-access",
  "backfill-prices",
].map((name) => `shop-${name}`);

/** The phases filled, with their share of the runs: most runs are over, a few live or failed. */
export const PHASE_SHARES: readonly (readonly [RunPhase, number])[] = [
  ["completed", 0.88],
  ["sleeping", 0.05],
  ["waiting", 0.03],
  ["running", 0.02],
  ["failed", 0.01],
  ["cancelled", 0.01],
];

/** One run and the event that started it. */
export interface FilledRun {
  run: RunRecord;
  event: StoredEvent;
  phase: RunPhase;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Picks from `[value, weight]` pairs by cumulative weight. */
function picker<T>(weighted: readonly (readonly [T, number])[]): (u: number) => T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let acc = 0;
  const cumulative = weighted.map(([value, w]) => [value, (acc += w / total)] as const);
  return (u) => {
    for (const [value, upTo] of cumulative) if (u < upTo) return value;
    return weighted[weighted.length - 1]?.[0] as T;
  };
}

/** Hashed step ids, as the SDKs send them (sha1 of the step id), memoized: there are few names. */
const hashes = new Map<string, string>();
function stepHash(name: string): string {
  let hash = hashes.get(name);
  if (!hash) {
    hash = createHash("sha1").update(name).digest("hex");
    hashes.set(name, hash);
  }
  return hash;
}

const STEP_NAMES = ["load-order", "reserve-stock", "charge-card", "send-email", "update-crm", "write-ledger", "notify-warehouse", "close-order"];

/**
 * `count` runs, oldest first (the order they are inserted in, as an engine creates them), created
 * over the `DAYS` days before `now`.
 */
export function* filledRuns(count: number, now: number, seed = 42): Generator<FilledRun> {
  const random = seededRandom(seed);
  const pickFunction = picker(FUNCTIONS.map((id, i) => [id, 1 / (i + 1)] as const));
  const pickPhase = picker(PHASE_SHARES);
  const start = now - DAYS * DAY_MS;
  const spacing = (DAYS * DAY_MS) / count;
  for (let i = 0; i < count; i++) {
    const createdAt = Math.floor(start + (i + random()) * spacing);
    const functionId = pickFunction(random());
    const phase = pickPhase(random());
    const n = Math.floor(random() * 1_000_000);
    const event: StoredEvent = {
      id: ulid(createdAt - 3, random),
      name: `shop/${functionId.slice(5)}`,
      data: {
        orderId: `ord_${n.toString(36).padStart(6, "0")}`,
        customer: { id: `cus_${(n * 7919).toString(36)}`, email: `customer${n % 50_000}@example.com`, tier: n % 5 === 0 ? "gold" : "standard" },
        items: [{ sku: `SKU-${n % 9000}`, qty: 1 + (n % 3), priceCents: 499 + (n % 5000) }],
        totalCents: 499 + (n % 5000),
        currency: "EUR",
      },
      user: {},
      ts: createdAt - 5,
      receivedAt: createdAt - 3,
    };
    yield { run: runIn(phase, { id: ulid(createdAt, random), functionId, createdAt, event: wireEvent(event) }, random), event, phase };
  }
}

/** The event as a run carries it: without what only the store keeps. */
function wireEvent(event: StoredEvent): FerryEvent {
  const { receivedAt: _receivedAt, externalId: _externalId, ...wire } = event;
  return wire;
}

/** A run in `phase` as the engine leaves it there: finished steps on its stack, ops in flight, output or error. */
function runIn(phase: RunPhase, base: { id: string; functionId: string; createdAt: number; event: FerryEvent }, random: () => number): RunRecord {
  const { createdAt } = base;
  const startedAt = createdAt + 2 + Math.floor(random() * 20);
  const done = 1 + Math.floor(random() * (STEP_NAMES.length - 1));
  const stack = STEP_NAMES.slice(0, done).map(stepHash);
  const next = STEP_NAMES[done] as string;
  const run: RunRecord = {
    id: base.id,
    functionId: base.functionId,
    appId: "shop",
    functionVersion: 3,
    status: "Running",
    events: [base.event],
    stack,
    pending: {},
    parallel: false,
    discovered: stack.length,
    createdAt,
    startedAt,
    version: 2 + 2 * done,
  };
  const endedAt = startedAt + 40 * done + Math.floor(random() * 400);
  const op = (kind: PendingOp["kind"], extra: Partial<PendingOp> = {}): void => {
    run.pending = { [stepHash(next)]: { kind, name: next, since: endedAt, ...extra } };
  };
  switch (phase) {
    case "completed":
      return { ...run, status: "Completed", endedAt, output: { ok: true, orderId: base.event.data.orderId, steps: done } };
    case "failed":
      return {
        ...run,
        status: "Failed",
        endedAt,
        error: { name: "Error", message: `step ${next} failed after 4 attempts: payment provider timed out`, stack: `Error: payment provider timed out\n    at charge (/app/src/functions/${base.functionId}.ts:42:11)` },
      };
    case "cancelled":
      return { ...run, status: "Cancelled", endedAt, error: { name: "Cancelled", message: "cancelled through the API" } };
    case "sleeping": {
      const until = endedAt + 7 * DAY_MS;
      op("sleep", { until });
      run.waiting = { type: "sleeping", stepId: stepHash(next), until };
      return run;
    }
    case "waiting": {
      const until = endedAt + 3 * DAY_MS;
      op("wait", { until, event: "shop/payment.confirmed", expression: "async.data.orderId == event.data.orderId" });
      run.waiting = { type: "waiting-for-event", stepId: stepHash(next), event: "shop/payment.confirmed", until };
      return run;
    }
    default:
      op("step", { attempt: 0 });
      return run;
  }
}

/** The `count` completed steps of `run` (a run page's waterfall), one after another from its start. */
export function stepsOf(run: RunRecord, count: number): StepRecord[] {
  const start = run.startedAt ?? run.createdAt;
  return Array.from({ length: count }, (_, i) => {
    const name = `step-${i}`;
    const startedAt = start + i * 50;
    return {
      runId: run.id,
      id: stepHash(name),
      name,
      kind: "run",
      status: "Completed",
      attempts: 1,
      errors: [],
      memo: { value: { index: i, sku: `SKU-${i * 111}`, reserved: true, note: "a small step result, as most are" } },
      startedAt,
      endedAt: startedAt + 40,
      version: 2,
    } satisfies StepRecord;
  });
}
