import type { Harness } from "./harness";
import { throughputWorkload } from "./workloads";

/** Memory of the process after a number of runs. */
export interface MemorySample {
  /** Runs completed so far. */
  runs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Steps/s of the round that ended here (absent for the sample before the first round). */
  stepsPerSec?: number;
}

/** Soak result: memory sampled before the first round and after each. */
export interface SoakResult {
  rounds: number;
  runsPerRound: number;
  inFlight: number;
  /** Whether each sample followed a full GC (`node --expose-gc`); without it RSS includes garbage not yet collected. */
  gc: boolean;
  samples: MemorySample[];
}

function sample(runs: number, stepsPerSec?: number): MemorySample {
  // Collect first when the process allows it, so a sample shows what is retained, not what is pending.
  global.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { runs, rssBytes: rss, heapUsedBytes: heapUsed, ...(stepsPerSec === undefined ? {} : { stepsPerSec }) };
}

/**
 * `rounds` rounds of workload B (`runsPerRound` runs, `inFlight` outstanding), sampling the
 * process's memory before the first and after each. Flat samples mean nothing grows per run.
 */
export async function soakWorkload(harness: Harness, rounds: number, runsPerRound: number, inFlight: number): Promise<SoakResult> {
  const samples = [sample(0)];
  for (let round = 1; round <= rounds; round++) {
    const { stepsPerSec } = await throughputWorkload(harness, runsPerRound, inFlight);
    samples.push(sample(round * runsPerRound, stepsPerSec));
  }
  return { rounds, runsPerRound, inFlight, gc: global.gc !== undefined, samples };
}
