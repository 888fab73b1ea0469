/**
 * `npm run bench`: for each configuration (our SDK and the official one, checkpointing on and
 * off), a fresh in-process dev server and a real HTTP app run workload A (latency), B
 * (throughput), a fan-out, a run of parallel steps and runs of many sequential steps; with
 * `--soak`, rounds of B on our SDK sample memory. Prints a table and writes
 * bench/results/<date>-<sha>.json and bench/results/latest.json. Exit code 0 even when a target
 * is missed (a bench is not a test); non-zero on errors, such as a run not completing.
 *
 * Flags: see options.ts and docs/benchmarks.md.
 */
import { join } from "node:path";
import { CONFIGURATIONS, SOAK_CONFIGURATION, type Configuration } from "./configurations";
import { fanOutWorkload } from "./fan-out";
import { startHarness, type Harness } from "./harness";
import { gitSha, machine } from "./machine";
import { parseBenchOptions, sequentialRuns, type BenchSettings } from "./options";
import { judge, REFERENCE, writeReport, type BenchReport, type ConfigurationResult } from "./report";
import { soakWorkload } from "./soak";
import { formatTable } from "./table";
import { latencyWorkload, STEPS_PER_RUN, throughputWorkload } from "./workloads";

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Starts a harness for `config`, hands it to `work` and always closes it. */
async function withHarness<T>(config: Configuration, settings: BenchSettings, work: (harness: Harness) => Promise<T>): Promise<T> {
  const harness = await startHarness({ sdk: config.sdk, checkpointing: config.checkpointing, memory: settings.database === "memory", appThread: settings.appThread, bufferedSteps: config.bufferedSteps });
  try {
    return await work(harness);
  } finally {
    await harness.close();
  }
}

/** Runs the selected per-configuration workloads, in the order of `WORKLOADS`. */
async function runConfiguration(harness: Harness, config: Configuration, s: BenchSettings): Promise<ConfigurationResult> {
  const result: ConfigurationResult = { name: config.name, sdk: config.sdk, checkpointing: config.checkpointing };
  const selected = (name: BenchSettings["workloads"][number]) => s.workloads.includes(name);
  if (selected("latency")) {
    log(`${config.name}: A latency, ${s.warmupRuns} warm-up + ${s.runs} runs, 1 in flight…`);
    result.latency = await latencyWorkload(harness, "sequential", STEPS_PER_RUN, s.runs, s.warmupRuns);
  }
  if (selected("throughput")) {
    log(`${config.name}: B throughput, ${s.throughputRuns} runs, ${s.inFlight} in flight…`);
    result.throughput = await throughputWorkload(harness, s.throughputRuns, s.inFlight);
  }
  if (selected("fan-out")) {
    log(`${config.name}: fan-out to ${s.fanOutRuns} runs…`);
    result.fanOut = await fanOutWorkload(harness, s.fanOutRuns);
  }
  if (selected("parallel")) {
    log(`${config.name}: ${s.parallelSteps} parallel steps, 1 warm-up + ${s.parallelRuns} runs…`);
    result.parallel = await latencyWorkload(harness, "parallel", s.parallelSteps, s.parallelRuns, 1);
  }
  if (selected("sequential")) {
    result.sequential = [];
    for (const [i, steps] of s.sequentialSteps.entries()) {
      // One warm-up run of the first count only: the longer runs warm up no further, and cost most.
      const warmup = i === 0 ? 1 : 0;
      const runs = sequentialRuns(steps, s);
      log(`${config.name}: ${steps} sequential steps, ${warmup} warm-up + ${runs} runs…`);
      result.sequential.push(await latencyWorkload(harness, "sequential", steps, runs, warmup));
    }
  }
  result.targets = judge(config.targets, result.latency, result.throughput);
  return result;
}

async function main(): Promise<void> {
  const settings = parseBenchOptions(process.argv.slice(2));
  const perConfiguration = settings.workloads.some((name) => name !== "soak");
  const configurations: ConfigurationResult[] = [];
  for (const config of CONFIGURATIONS) {
    if (!perConfiguration || !settings.configurations.includes(config.name)) continue;
    configurations.push(await withHarness(config, settings, (harness) => runConfiguration(harness, config, settings)));
  }
  let soak: BenchReport["soak"];
  if (settings.workloads.includes("soak")) {
    log(`soak (${SOAK_CONFIGURATION.name}): ${settings.soakRounds} rounds of ${settings.soakRuns} runs${global.gc ? "" : " (no --expose-gc: samples include uncollected garbage)"}…`);
    const result = await withHarness(SOAK_CONFIGURATION, settings, (harness) => soakWorkload(harness, settings.soakRounds, settings.soakRuns, settings.inFlight));
    soak = { configuration: SOAK_CONFIGURATION.name, ...result };
  }
  const report: BenchReport = { date: new Date().toISOString(), gitSha: gitSha(), machine: machine(), settings, configurations, soak, reference: REFERENCE };
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
