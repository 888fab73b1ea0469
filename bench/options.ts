import { parseArgs, type ParseArgsConfig } from "node:util";
import { MAX_EVENTS_PER_REQUEST } from "../core";
import { CONFIGURATIONS } from "./configurations";

/** Workloads by name, in the order they run within a configuration (the soak runs last, on its own). */
export const WORKLOADS = ["latency", "throughput", "fan-out", "parallel", "sequential", "soak"] as const;
/** A workload's name, as `--only` takes it. */
export type WorkloadName = (typeof WORKLOADS)[number];

/** The command line, read: counts, database, and what to run. */
export interface BenchSettings {
  /** Workload A runs counted, and run first without counting. */
  runs: number;
  warmupRuns: number;
  /** Workload B runs, and how many are kept outstanding (also the soak's). */
  throughputRuns: number;
  inFlight: number;
  database: "file" | "memory";
  /** The app served from a thread of its own (`--app-thread`) instead of the engine's event loop. */
  appThread: boolean;
  /** Runs started by the one fan-out event (at most one `POST /e/` worth). */
  fanOutRuns: number;
  /** Steps of the parallel run, and how many such runs are counted (one more warms up). */
  parallelSteps: number;
  parallelRuns: number;
  /** Step counts of the sequential runs. */
  sequentialSteps: number[];
  /**
   * Steps counted per step count: each count N gets ⌈budget ÷ N⌉ runs, so every count is
   * measured over about as many steps and the long runs (slow without checkpointing) stay few.
   */
  sequentialBudget: number;
  /** Soak: rounds of workload B, and runs per round. */
  soakRounds: number;
  soakRuns: number;
  /** Names of the configurations and workloads selected. */
  configurations: string[];
  workloads: WorkloadName[];
}

/** Flags and their defaults; docs/benchmarks.md lists them. */
const FLAGS = {
  runs: { type: "string", default: "200" },
  warmup: { type: "string", default: "20" },
  "throughput-runs": { type: "string", default: "1000" },
  "in-flight": { type: "string", default: "50" },
  memory: { type: "boolean", default: false },
  "app-thread": { type: "boolean", default: false },
  "fan-out": { type: "string", default: "1000" },
  "parallel-steps": { type: "string", default: "100" },
  "parallel-runs": { type: "string", default: "5" },
  "sequential-steps": { type: "string", default: "50,200,500" },
  "sequential-budget": { type: "string", default: "500" },
  soak: { type: "boolean", default: false },
  "soak-rounds": { type: "string", default: "5" },
  "soak-runs": { type: "string", default: "2000" },
  only: { type: "string", multiple: true, default: [] as string[] },
} satisfies ParseArgsConfig["options"];

function integer(name: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer ${range}, got ${raw}`);
  return n;
}

/**
 * Reads `npm run bench` arguments; throws with a readable message on bad input. `--only` takes
 * configuration and workload names (repeatable or comma-separated): naming any configuration
 * runs only those, naming any workload runs only those. The soak runs when named or with `--soak`.
 */
export function parseBenchOptions(argv: string[]): BenchSettings {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true });
  const only = values.only.flatMap((list) => list.split(",")).filter(Boolean);
  const configNames = CONFIGURATIONS.map((config) => config.name);
  for (const name of only) {
    if (!configNames.includes(name) && !(WORKLOADS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown name ${name}; configurations: ${configNames.join(", ")}; workloads: ${WORKLOADS.join(", ")}`);
    }
  }
  const configurations = only.filter((name) => configNames.includes(name));
  const namedWorkloads = WORKLOADS.filter((name) => only.includes(name));
  const workloads = namedWorkloads.length > 0 ? namedWorkloads : WORKLOADS.filter((name) => name !== "soak");
  if (values.soak && !workloads.includes("soak")) workloads.push("soak");
  return {
    runs: integer("runs", values.runs, 1),
    warmupRuns: integer("warmup", values.warmup, 0),
    throughputRuns: integer("throughput-runs", values["throughput-runs"], 1),
    inFlight: integer("in-flight", values["in-flight"], 1),
    database: values.memory ? "memory" : "file",
    appThread: values["app-thread"],
    fanOutRuns: integer("fan-out", values["fan-out"], 1, MAX_EVENTS_PER_REQUEST),
    parallelSteps: integer("parallel-steps", values["parallel-steps"], 1),
    parallelRuns: integer("parallel-runs", values["parallel-runs"], 1),
    sequentialSteps: values["sequential-steps"].split(",").map((n) => integer("sequential-steps", n, 1)),
    sequentialBudget: integer("sequential-budget", values["sequential-budget"], 1),
    soakRounds: integer("soak-rounds", values["soak-rounds"], 1),
    soakRuns: integer("soak-runs", values["soak-runs"], 1),
    configurations: configurations.length > 0 ? configurations : configNames,
    workloads,
  };
}

/** Runs counted for `steps` sequential steps (see {@link BenchSettings.sequentialBudget}). */
export function sequentialRuns(steps: number, settings: Pick<BenchSettings, "sequentialBudget">): number {
  return Math.ceil(settings.sequentialBudget / steps);
}
