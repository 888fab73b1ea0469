import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sdk } from "./app";
import type { Targets } from "./configurations";
import type { FanOutResult } from "./fan-out";
import type { MachineInfo } from "./machine";
import type { BenchSettings } from "./options";
import type { SoakResult } from "./soak";
import { round } from "./stats";
import type { LatencyResult, ThroughputResult } from "./workloads";

/** The comparison figure measured on this machine. */
export const REFERENCE = "a well-known Rust durable-execution engine: 2.8 ms/step, ~1,450 steps/s on this machine";

/** A figure compared with its target. */
export interface TargetResult {
  target: number;
  value: number;
  pass: boolean;
}

/** Everything measured for one configuration; a workload not run is absent. */
export interface ConfigurationResult {
  name: string;
  sdk: Sdk;
  checkpointing: boolean;
  latency?: LatencyResult;
  throughput?: ThroughputResult;
  fanOut?: FanOutResult;
  parallel?: LatencyResult;
  /** One result per `--sequential-steps` count. */
  sequential?: LatencyResult[];
  targets?: { perStepMsP50?: TargetResult; stepsPerSec?: TargetResult };
}

/** Everything one `npm run bench` produced, as written to `bench/results/*.json`. */
export interface BenchReport {
  date: string;
  gitSha?: string;
  machine: MachineInfo;
  settings: BenchSettings;
  configurations: ConfigurationResult[];
  /** Absent when the soak was not run. */
  soak?: SoakResult & { configuration: string };
  reference: string;
}

/** Compares workload A's per-step p50 and workload B's steps/s with `targets`, where both exist. */
export function judge(targets: Targets | undefined, latency?: LatencyResult, throughput?: ThroughputResult): ConfigurationResult["targets"] {
  if (!targets) return undefined;
  return {
    ...(latency && {
      perStepMsP50: { target: targets.perStepMsP50, value: round(latency.perStepMs.p50, 3), pass: latency.perStepMs.p50 <= targets.perStepMsP50 },
    }),
    ...(throughput && {
      stepsPerSec: { target: targets.stepsPerSec, value: round(throughput.stepsPerSec, 0), pass: throughput.stepsPerSec >= targets.stepsPerSec },
    }),
  };
}

/** Writes `<dir>/<ISO date>[-<sha>].json` and `<dir>/latest.json`; returns the dated path. */
export function writeReport(dir: string, report: BenchReport): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, "-");
  const file = join(dir, `${stamp}${report.gitSha ? `-${report.gitSha}` : ""}.json`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(dir, "latest.json"), json);
  return file;
}
