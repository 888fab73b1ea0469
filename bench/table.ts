import { sequentialRuns } from "./options";
import { REFERENCE, type BenchReport, type ConfigurationResult, type TargetResult } from "./report";
import { round } from "./stats";
import type { LatencyResult } from "./workloads";

/** A row: a label, then one cell per configuration (`undefined` where not measured). */
type Row = [string, ...(string | undefined)[]];

const MIB = 2 ** 20;
const ms = (v: number): string => `${round(v, 2).toFixed(2)} ms`;
const msList = (...values: number[]): string => `${values.map((v) => round(v, 1)).join(" / ")} ms`;
const mib = (bytes: number): string => `${round(bytes / MIB, 1)} MiB`;
const int = (v: number): string => Math.round(v).toLocaleString("en-US");
const judged = (value: string, target: TargetResult | undefined, sign: string): string =>
  target ? `${value} (${sign} ${target.target} ${target.pass ? "PASS" : "MISS"})` : value;

/** Rows shared by every workload whose runs go one at a time; `targets` judge the per-step p50. */
function oneAtATimeRows(results: (LatencyResult | undefined)[], targets: (TargetResult | undefined)[] = []): Row[] {
  return [
    ["  run p50 / p99 / max", ...results.map((r) => r && msList(r.runMs.p50, r.runMs.p99, r.runMs.max))],
    ["  per step p50", ...results.map((r, i) => r && judged(`${round(r.perStepMs.p50, 3)} ms`, targets[i], "≤"))],
    ["  calls / checkpoints per run", ...results.map((r) => r && `${round(r.traffic.callsPerRun, 1)} / ${round(r.traffic.apiRequestsPerRun, 1)}`)],
    ["  bytes per step", ...results.map((r) => r && int(r.traffic.bytesPerStep))],
  ];
}

function configurationRows(report: BenchReport): Row[] {
  const { settings: s, configurations: cs } = report;
  if (cs.length === 0) return [];
  const cells = <T>(pick: (c: ConfigurationResult) => T | undefined): (T | undefined)[] => cs.map(pick);
  const rows: Row[] = [["", ...cs.map((c) => c.name)]];
  const latency = cells((c) => c.latency);
  if (latency.some(Boolean)) {
    rows.push([`A latency: 10 steps, 1 in flight, ${s.runs} runs`]);
    rows.push(...oneAtATimeRows(latency, cells((c) => c.targets?.perStepMsP50)));
    rows.push(["  engine run p50 (created→ended)", ...latency.map((r) => r && ms(r.engineRunMs.p50))]);
  }
  const throughput = cells((c) => c.throughput);
  if (throughput.some(Boolean)) {
    rows.push([`B throughput: ${s.throughputRuns} runs of 10 steps, ${s.inFlight} in flight`]);
    rows.push(["  wall time", ...throughput.map((r) => r && `${round(r.wallMs / 1000, 2)} s`)]);
    rows.push(["  runs/s", ...throughput.map((r) => r && `${round(r.runsPerSec, 1)}`)]);
    rows.push(["  steps/s", ...cs.map((c) => c.throughput && judged(int(c.throughput.stepsPerSec), c.targets?.stepsPerSec, "≥"))]);
    rows.push(["  run p50 / p99 under load", ...throughput.map((r) => r && msList(r.runMs.p50, r.runMs.p99))]);
    rows.push(["  RSS peak", ...throughput.map((r) => r && mib(r.rssPeakBytes))]);
  }
  const fanOut = cells((c) => c.fanOut);
  if (fanOut.some(Boolean)) {
    rows.push([`Fan-out: 1 event → step.sendEvent of ${s.fanOutRuns} → ${s.fanOutRuns} runs`]);
    rows.push(["  wall time to the last run", ...fanOut.map((r) => r && ms(r.wallMs))]);
    rows.push(["  runs/s", ...fanOut.map((r) => r && int(r.runsPerSec))]);
    rows.push(["  sending run done after", ...fanOut.map((r) => r && ms(r.senderRunMs))]);
  }
  const parallel = cells((c) => c.parallel);
  if (parallel.some(Boolean)) {
    rows.push([`Parallel: ${s.parallelSteps} steps in Promise.all, ${s.parallelRuns} runs`]);
    rows.push(...oneAtATimeRows(parallel));
  }
  s.sequentialSteps.forEach((steps, i) => {
    const sequential = cells((c) => c.sequential?.[i]);
    if (!sequential.some(Boolean)) return;
    rows.push([`Sequential: ${steps} steps, ${sequentialRuns(steps, s)} runs`]);
    rows.push(...oneAtATimeRows(sequential));
  });
  return rows;
}

function soakLines(report: BenchReport): string[] {
  const soak = report.soak;
  if (!soak) return ["Soak: not run (add --soak)"];
  const rows: Row[] = [
    ["runs", ...soak.samples.map((x) => int(x.runs))],
    ["RSS", ...soak.samples.map((x) => mib(x.rssBytes))],
    ["heap used", ...soak.samples.map((x) => mib(x.heapUsedBytes))],
    ["steps/s of the round", ...soak.samples.map((x) => (x.stepsPerSec === undefined ? undefined : int(x.stepsPerSec)))],
  ];
  const gc = soak.gc ? "full GC before each sample" : "no GC before samples (run with --expose-gc)";
  return [`Soak (${soak.configuration}): ${soak.rounds} rounds of ${soak.runsPerRound} runs, ${soak.inFlight} in flight, ${gc}`, ...align(rows, "  ")];
}

/** Pads every column to its widest cell; "—" marks a cell not measured. */
function align(rows: Row[], indent = ""): string[] {
  const widths: number[] = [];
  // A section heading has no cells: it neither widens the first column nor is padded into it.
  for (const row of rows) if (row.length > 1) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, (cell ?? "—").length)));
  return rows.map((row) => {
    if (row.length === 1) return `${indent}${row[0]}`;
    return indent + widths.map((w, i) => (row[i] ?? "—").padEnd(w)).join("  ").trimEnd();
  });
}

/** Renders the human-readable results table. */
export function formatTable(report: BenchReport): string {
  const { machine: m, settings: s } = report;
  return [
    `Ferry bench — ${m.cpus} × ${m.cpuModel}, node ${m.node}, ${m.os}, ${s.database} database${report.gitSha ? `, ${report.gitSha}` : ""}`,
    ...align(configurationRows(report)),
    ...soakLines(report),
    "Targets: ferry-cp and official-cp from issue 11; ferry-nocp's are the earlier ones, kept as a reference.",
    `Reference: ${REFERENCE}`,
  ].join("\n");
}
