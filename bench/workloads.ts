import { STEPS_PER_RUN, type Harness } from "./harness";
import { summarize, type LatencySummary } from "./stats";

/** Workload A result: sequential runs, one at a time. */
export interface LatencyResult {
  runs: number;
  warmupRuns: number;
  /** Client send start → engine `runFinished`, ms. */
  runMs: LatencySummary;
  /** `runMs` divided by steps per run, ms. */
  perStepMs: LatencySummary;
  /** Engine-side `endedAt - createdAt` (event accepted → run ended), ms. */
  engineRunMs: LatencySummary;
}

/** Workload B result: many runs with a fixed number in flight. */
export interface ThroughputResult {
  runs: number;
  inFlight: number;
  steps: number;
  wallMs: number;
  runsPerSec: number;
  stepsPerSec: number;
  /** Highest `process.memoryUsage().rss` sampled during the workload, bytes. */
  rssPeakBytes: number;
  /** Per-run latency under load (send start → finished), ms. */
  runMs: LatencySummary;
}

let nextSeq = 0;

/**
 * Workload A: sends one event, waits for its run to finish, then sends the next. The first
 * `warmupRuns` are not counted.
 */
export async function latencyWorkload(harness: Harness, runs: number, warmupRuns: number): Promise<LatencyResult> {
  for (let i = 0; i < warmupRuns; i++) await harness.runOnce(nextSeq++);
  const runMs: number[] = [];
  const engineRunMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { sentAt, finished } = await harness.runOnce(nextSeq++);
    runMs.push(finished.observedAt - sentAt);
    engineRunMs.push((finished.endedAt ?? Number.NaN) - finished.createdAt);
  }
  return {
    runs,
    warmupRuns,
    runMs: summarize(runMs),
    perStepMs: summarize(runMs.map((ms) => ms / STEPS_PER_RUN)),
    engineRunMs: summarize(engineRunMs),
  };
}

/**
 * Workload B: keeps `inFlight` runs outstanding (a new event is sent whenever one finishes)
 * until `runs` have completed; samples RSS every 50 ms.
 */
export async function throughputWorkload(harness: Harness, runs: number, inFlight: number): Promise<ThroughputResult> {
  let rssPeakBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage().rss);
  }, 50);
  const runMs: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (started < runs) {
      started++;
      const { sentAt, finished } = await harness.runOnce(nextSeq++);
      runMs.push(finished.observedAt - sentAt);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, runs) }, lane));
  } finally {
    clearInterval(sampler);
  }
  const wallMs = performance.now() - t0;
  rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage().rss);
  const steps = runs * STEPS_PER_RUN;
  return {
    runs,
    inFlight,
    steps,
    wallMs,
    runsPerSec: runs / (wallMs / 1000),
    stepsPerSec: steps / (wallMs / 1000),
    rssPeakBytes,
    runMs: summarize(runMs),
  };
}
