/**
 * `npm run bench`: Workload A (latency, 1 run in flight) and Workload B (throughput, N in
 * flight) of a 10-step function against an in-process dev server and a real HTTP app.
 * Prints a table and writes bench/results/<date>-<sha>.json and bench/results/latest.json.
 * Exit code 0 even when a target is missed (a bench is not a test); non-zero on errors.
 *
 * Flags: --runs <n> (200), --warmup <n> (20), --throughput-runs <n> (2000),
 * --in-flight <n> (50), --memory (":memory:" database instead of a temp file).
 */
import { execFileSync } from "node:child_process";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startHarness } from "./harness";
import { formatTable, judge, REFERENCE, writeReport, type BenchReport, type MachineInfo } from "./report";
import { latencyWorkload, throughputWorkload } from "./workloads";

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

function gitSha(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function machine(): MachineInfo {
  const list = cpus();
  return {
    os: `${platform()} ${release()} ${arch()}`,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    node: process.version,
    totalMemoryBytes: totalmem(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "200" },
      warmup: { type: "string", default: "20" },
      "throughput-runs": { type: "string", default: "2000" },
      "in-flight": { type: "string", default: "50" },
      memory: { type: "boolean", default: false },
    },
    strict: true,
  });
  const settings: BenchReport["settings"] = {
    runs: positiveInt("runs", values.runs),
    warmupRuns: Number(values.warmup) >= 0 ? Math.floor(Number(values.warmup)) : 20,
    throughputRuns: positiveInt("throughput-runs", values["throughput-runs"]),
    inFlight: positiveInt("in-flight", values["in-flight"]),
    database: values.memory ? "memory" : "file",
  };

  const harness = await startHarness({ memory: values.memory });
  let report: BenchReport;
  try {
    process.stderr.write(`workload A: ${settings.warmupRuns} warm-up + ${settings.runs} runs, 1 in flight…\n`);
    const latency = await latencyWorkload(harness, settings.runs, settings.warmupRuns);
    process.stderr.write(`workload B: ${settings.throughputRuns} runs, ${settings.inFlight} in flight…\n`);
    const throughput = await throughputWorkload(harness, settings.throughputRuns, settings.inFlight);
    report = {
      date: new Date().toISOString(),
      gitSha: gitSha(),
      machine: machine(),
      settings,
      latency,
      throughput,
      targets: judge(latency, throughput),
      reference: REFERENCE,
    };
  } finally {
    await harness.close();
  }
  console.log(formatTable(report));
  const file = writeReport(join(__dirname, "results"), report);
  console.log(`\nwrote ${file} and latest.json`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
