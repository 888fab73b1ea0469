import { stepsEvent, type StepShape } from "./functions";
import type { Harness } from "./harness";
import { summarize, type LatencySummary } from "./stats";
import { trafficSince } from "./traffic";

/** Steps per run in workloads A and B, and in the soak. */
export const STEPS_PER_RUN = 10;

/** Engine ↔ app traffic of the counted runs, per run and per step (see traffic.ts). */
export interface TrafficPerRun {
  callsPerRun: number;
  /** SDK → engine API requests per run: checkpoints. */
  apiRequestsPerRun: number;
  /** Call and API body bytes, both directions, per step. */
  bytesPerStep: number;
  callBytesPerStep: number;
  apiBytesPerStep: number;
}

/** Result of runs made one at a time (workload A, and the parallel and sequential shapes). */
export interface LatencyResult {
  shape: StepShape;
  stepsPerRun: number;
  runs: number;
  warmupRuns: number;
  /** Client send start → engine `runFinished`, ms. */
  runMs: LatencySummary;
  /** `runMs` divided by steps per run, ms. */
  perStepMs: LatencySummary;
  /** Engine-side `endedAt - createdAt` (event accepted → run ended), ms. */
  engineRunMs: LatencySummary;
  traffic: TrafficPerRun;
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

/**
 * Sends one event, waits for its run to finish, then sends the next; the first `warmupRuns`
 * are not counted. Workload A is this with 10 sequential steps.
 */
export async function latencyWorkload(harness: Harness, shape: StepShape, stepsPerRun: number, runs: number, warmupRuns: number): Promise<LatencyResult> {
  const runOnce = () => harness.runOnce(stepsEvent(shape, harness.seqs(1), stepsPerRun));
  for (let i = 0; i < warmupRuns; i++) await runOnce();
  const before = { ...harness.traffic };
  const runMs: number[] = [];
  const engineRunMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { sentAt, finished } = await runOnce();
    runMs.push(finished.observedAt - sentAt);
    engineRunMs.push((finished.endedAt ?? Number.NaN) - finished.createdAt);
  }
  const traffic = trafficSince(before, harness.traffic);
  const steps = runs * stepsPerRun;
  return {
    shape,
    stepsPerRun,
    runs,
    warmupRuns,
    runMs: summarize(runMs),
    perStepMs: summarize(runMs.map((ms) => ms / stepsPerRun)),
    engineRunMs: summarize(engineRunMs),
    traffic: {
      callsPerRun: traffic.calls / runs,
      apiRequestsPerRun: traffic.apiRequests / runs,
      bytesPerStep: (traffic.callBytes + traffic.apiBytes) / steps,
      callBytesPerStep: traffic.callBytes / steps,
      apiBytesPerStep: traffic.apiBytes / steps,
    },
  };
}

/**
 * Workload B: keeps `inFlight` runs of 10 sequential steps outstanding (a new event is sent
 * whenever one finishes) until `runs` have completed; samples RSS every 50 ms.
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
      const { sentAt, finished } = await harness.runOnce(stepsEvent("sequential", harness.seqs(1), STEPS_PER_RUN));
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
