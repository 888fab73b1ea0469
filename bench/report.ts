import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { round } from "./stats";
import type { LatencyResult, ThroughputResult } from "./workloads";

/** Targets from the benchmark issue. */
export const TARGETS = { perStepMsP50: 1.1, stepsPerSec: 2000 } as const;
/** The comparison figure measured on this machine. */
export const REFERENCE = "a well-known Rust durable-execution engine: 2.8 ms/step, ~1,450 steps/s on this machine";

/** The machine the figures came from. */
export interface MachineInfo {
  os: string;
  cpus: number;
  cpuModel: string;
  node: string;
  totalMemoryBytes: number;
}

/** Everything one `npm run bench` produced, as written to `bench/results/*.json`. */
export interface BenchReport {
  date: string;
  gitSha?: string;
  machine: MachineInfo;
  settings: { runs: number; warmupRuns: number; throughputRuns: number; inFlight: number; database: "file" | "memory" };
  latency: LatencyResult;
  throughput: ThroughputResult;
  targets: { perStepMsP50: { target: number; value: number; pass: boolean }; stepsPerSec: { target: number; value: number; pass: boolean } };
  reference: string;
}

/** Compares the figures with {@link TARGETS}. */
export function judge(latency: LatencyResult, throughput: ThroughputResult): BenchReport["targets"] {
  return {
    perStepMsP50: { target: TARGETS.perStepMsP50, value: round(latency.perStepMs.p50, 3), pass: latency.perStepMs.p50 <= TARGETS.perStepMsP50 },
    stepsPerSec: { target: TARGETS.stepsPerSec, value: round(throughput.stepsPerSec, 0), pass: throughput.stepsPerSec >= TARGETS.stepsPerSec },
  };
}

const mark = (pass: boolean): string => (pass ? "PASS" : "MISS");
const ms = (v: number): string => `${round(v, 2).toFixed(2)} ms`;

/** Renders the human-readable results table. */
export function formatTable(report: BenchReport): string {
  const { latency: a, throughput: b, targets: t, machine: m, settings: s } = report;
  const rows: [string, string, string][] = [
    [`A latency (${a.runs} runs, 1 in flight, ${s.database} db)`, "", ""],
    ["  run p50 / p90 / p99 / max", `${ms(a.runMs.p50)} / ${ms(a.runMs.p90)} / ${ms(a.runMs.p99)} / ${ms(a.runMs.max)}`, ""],
    ["  engine run p50 (created→ended)", ms(a.engineRunMs.p50), ""],
    ["  per step p50", `${round(a.perStepMs.p50, 3)} ms`, `≤ ${TARGETS.perStepMsP50} ms  ${mark(t.perStepMsP50.pass)}`],
    [`B throughput (${b.runs} runs, ${b.inFlight} in flight)`, "", ""],
    ["  wall time", `${round(b.wallMs / 1000, 2)} s`, ""],
    ["  runs/s", `${round(b.runsPerSec, 1)}`, ""],
    ["  steps/s", `${Math.round(b.stepsPerSec)}`, `≥ ${TARGETS.stepsPerSec}  ${mark(t.stepsPerSec.pass)}`],
    ["  run p50 / p99 under load", `${ms(b.runMs.p50)} / ${ms(b.runMs.p99)}`, ""],
    ["  RSS peak", `${round(b.rssPeakBytes / 2 ** 20, 1)} MiB`, ""],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([k, v, target]) => `${k.padEnd(w0)}  ${v.padEnd(w1)}  ${target}`.trimEnd());
  return [
    `Ferry bench — ${m.cpus} × ${m.cpuModel}, node ${m.node}, ${m.os}${report.gitSha ? `, ${report.gitSha}` : ""}`,
    ...lines,
    `Reference: ${REFERENCE}`,
  ].join("\n");
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
