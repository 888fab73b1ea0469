/**
 * Fault injection over the real engine (SQLite in memory, the persisted queue, the real SDK in
 * process) on a virtual clock. A scenario runs once clean, counting the port calls each job
 * makes; then again once per crash point k: every job's first delivery fails at its k-th port
 * call, either before the call (the write never happened) or after it (the write happened and
 * the answer was lost, as when a Lambda times out), and the queue delivers it again. Each run
 * must end exactly as the clean one: the same runs with the same outputs and step results,
 * none left Running, none twice. Another mode delivers every job twice. `runScenario` takes
 * another way to start the engine and app (official-sdk.test.ts serves an official `inngest`
 * app over loopback HTTP); the faults are injected in the engine's job handler either way.
 *
 * Checkpoints (steps an SDK reports while its call goes on) are crash points too. In process the
 * app's requests run inside the job that called it, so they count as that job's port calls. Over
 * HTTP each checkpoint request is a unit of its own: its first try fails at the k-th port call,
 * and the SDK's retry of it (the next request for the same run) is its redelivery. Events the
 * app sends (`step.sendEvent`) are never faulted: the ingest Lambda serves them, not the job, and
 * a fault there would fail the step on every attempt (each a new job failing at the same k),
 * which says nothing about the job converging.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Ferry, ServableFunction } from "@ferry/sdk";
import { handleJob, jobId, resolveMemos, runOutput, stableHash, type Delivery, type EngineDeps, type Job, type RunRecord, type StepRecord, type TimerRecord } from "../../../core";
import { startInProcessFerry, type InProcessFerry, type InProcessOptions } from "../../support/in-process-ferry";
import { allRuns } from "../../support/listings";

/** How jobs misbehave in one execution. */
export type FaultPlan =
  | { mode: "clean" }
  /** Every job's first delivery throws at its `k`-th port call, before or after making it. */
  | { mode: "throw-before" | "throw-after"; k: number }
  /** Every job is handled twice in a row (a duplicate delivery after a complete one). */
  | { mode: "twice" }
  /**
   * Jobs of different runs delivered out of order: the first delivery of about half the jobs
   * (chosen by `seed` and the job's id) is put back before it does anything, so later jobs
   * overtake it.
   */
  | { mode: "reorder"; seed: number };

/** What the test does to a workflow, whichever SDK serves the app. */
export interface ScenarioDrive {
  name: string;
  /** Sends events and moves time; the harness then runs every remaining timer up to `horizonMs`. */
  drive: (harness: Harness) => Promise<void>;
  /** How far past the start the harness lets virtual time run. */
  horizonMs: number;
}

/** A workflow to run: the app's functions (written with our SDK) and what the test does to it. */
export interface Scenario extends ScenarioDrive {
  functions: (client: Ferry) => ServableFunction[];
}

/**
 * An engine joined to an app, as the harness drives it: locally the SQLite engine on a virtual
 * clock (`underTest`), on AWS the engine on the offline bed (test/aws/aws-ferry.ts).
 */
export interface FerryUnderTest {
  /** The engine's ports, as its job handler receives them (unwrapped). */
  deps: EngineDeps;
  now(): number;
  /** Sends events through the event API, as the app would. */
  send(events: Parameters<Ferry["send"]>[0]): Promise<string[]>;
  /** Runs everything due, moving the clock from one pending timer to the next, until `until`. */
  runUntil(until: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a fresh engine, joined to the app, for one execution. It must make `options.handle`
 * the engine's job handler and apply `options.settings`. By default `startInProcessFerry` with
 * the scenario's functions; `startOfficialSdkFerry` serves an official-SDK app over HTTP.
 */
export type StartFerry = (options: InProcessOptions) => Promise<FerryUnderTest>;

/** The local in-process engine as the harness drives it. */
export function underTest(ferry: InProcessFerry): FerryUnderTest {
  return { deps: ferry.engine.deps, now: () => ferry.clock.now(), send: (events) => ferry.send(events), runUntil: (until) => runDue(ferry, until), close: () => ferry.close() };
}

/** What a scenario can do while it drives the engine. */
export interface Harness {
  ferry: FerryUnderTest;
  /** Sends events and lets the engine do everything due now. */
  send(events: Parameters<Ferry["send"]>[0]): Promise<string[]>;
  /** Runs due work until virtual time reaches `now + ms`, timer by timer. */
  advance(ms: number): Promise<void>;
}

/** How an execution ended, in terms that do not depend on ids. */
export interface Outcome {
  /** One line per run: function, trigger, status, output and every step's memo. */
  runs: string[];
  /** Runs still live at the horizon. */
  live: string[];
  /** Memos that changed after being stored (must never happen). */
  memoChanges: string[];
  /** Timer and job ids that EventBridge Scheduler or SQS would refuse (must never happen). */
  badNames: string[];
  /** Port calls made by each job's first delivery (clean run: how many crash points there are). */
  callsPerJob: Map<string, number>;
}

const PORTS = ["events", "runs", "apps", "waits", "flow", "backlog", "skips", "queue", "timers", "bus"] as const;

interface JobContext {
  calls: number;
  failAt?: number;
  mode?: "throw-before" | "throw-after";
  /** Told when the fault fires (a checkpoint request then expects its retry). */
  onFault?: () => void;
}

/** A crash the harness injected (so tests can tell it from a real failure). */
export class InjectedFault extends Error {
  constructor(where: string) {
    super(`injected fault at ${where}`);
    this.name = "InjectedFault";
  }
}

/**
 * Runs a scenario under a fault plan and reports how it ended: in process with our SDK, or with
 * the app and engine that `start` builds (then the scenario needs no `functions`).
 */
export function runScenario(scenario: Scenario, plan: FaultPlan): Promise<Outcome>;
export function runScenario(scenario: ScenarioDrive, plan: FaultPlan, start: StartFerry): Promise<Outcome>;
export async function runScenario(scenario: ScenarioDrive & Partial<Pick<Scenario, "functions">>, plan: FaultPlan, start?: StartFerry): Promise<Outcome> {
  const context = new AsyncLocalStorage<JobContext>();
  const callsPerJob = new Map<string, number>();
  const memoChanges: string[] = [];
  const badNames: string[] = [];
  const delivered = new Set<string>();
  let wrapped: EngineDeps | undefined;

  const handle = async (deps: EngineDeps, job: Job, delivery: Delivery): Promise<void> => {
    wrapped ??= wrapDeps(deps, context, memoChanges, badNames);
    const id = jobId(job);
    const first = !delivered.has(id);
    delivered.add(id);
    if (plan.mode === "reorder" && first && stableHash([String(plan.seed), id], 2) < "80") {
      callsPerJob.set(id, 0);
      throw new InjectedFault(`held back ${id}`);
    }
    const faulty = first && (plan.mode === "throw-before" || plan.mode === "throw-after");
    const state: JobContext = faulty ? { calls: 0, failAt: plan.k, mode: plan.mode } : { calls: 0 };
    try {
      await context.run(state, () => handleJob(wrapped as EngineDeps, job, delivery));
    } finally {
      if (first) callsPerJob.set(id, state.calls);
    }
    if (plan.mode === "twice" && first) await context.run({ calls: 0 }, () => handleJob(wrapped as EngineDeps, job, { redelivered: false }));
  };

  // A checkpoint request over HTTP: the SDK sends it again after a failure, so the request after
  // a failed one (for the same run) is the redelivery and runs clean.
  const retryingRuns = new Set<string>();
  const checkpoints = new Map<string, JobContext>();
  const apiScope = (method: string, path: string, serve: () => void): void => {
    const runId = method === "POST" ? /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(path)?.[1] : undefined;
    if (runId === undefined) return context.run(undefined as unknown as JobContext, serve);
    const redelivery = retryingRuns.delete(runId);
    const faulty = !redelivery && (plan.mode === "throw-before" || plan.mode === "throw-after");
    const state: JobContext = faulty ? { calls: 0, failAt: plan.k, mode: plan.mode as "throw-before" | "throw-after", onFault: () => retryingRuns.add(runId) } : { calls: 0 };
    if (!redelivery) checkpoints.set(`checkpoint.${runId}.${checkpoints.size}`, state);
    context.run(state, serve);
  };

  const options: InProcessOptions = {
    handle,
    settings: { retryBaseDelay: 1000 },
    apiDeps: (deps) => (wrapped ??= wrapDeps(deps, context, memoChanges, badNames)),
    apiScope,
    appRequestScope: (method, path, serve) => (method === "POST" && path.startsWith("/e/") ? context.exit(serve) : serve()),
  };
  const ferry = start ? await start(options) : underTest(await startInProcessFerry(scenario.functions ?? (() => []), options));
  try {
    const start = ferry.now();
    const harness: Harness = {
      ferry,
      send: async (events) => {
        const ids = await ferry.send(events);
        await ferry.runUntil(ferry.now());
        return ids;
      },
      advance: (ms) => ferry.runUntil(ferry.now() + ms),
    };
    await scenario.drive(harness);
    await ferry.runUntil(start + scenario.horizonMs);
    for (const [key, state] of checkpoints) callsPerJob.set(key, state.calls);
    return { ...(await describe(ferry.deps)), memoChanges, badNames, callsPerJob };
  } finally {
    await ferry.close();
    context.disable();
  }
}

/** Runs everything due, moving the clock from one stored timer to the next until `until`. */
async function runDue(ferry: InProcessFerry, until: number): Promise<void> {
  // Future rows only: a due row that idle() left is waiting behind its group's held job.
  const nextAt = ferry.engine.db.prepare<[number], { at: number | null }>("SELECT MIN(run_at) AS at FROM jobs WHERE leased_until IS NULL AND run_at > ?");
  for (let guard = 0; guard < 10_000; guard++) {
    await ferry.engine.idle();
    const next = nextAt.get(ferry.clock.now())?.at ?? null;
    if (next === null || next > until) break;
    ferry.clock.setTime(Math.max(next, ferry.clock.now()));
  }
  ferry.clock.setTime(Math.max(until, ferry.clock.now()));
  await ferry.engine.idle();
}

/** Wraps every port so calls made inside a job are counted and fail where the plan says. */
function wrapDeps(deps: EngineDeps, context: AsyncLocalStorage<JobContext>, memoChanges: string[], badNames: string[]): EngineDeps {
  const wrapped = { ...deps } as Record<string, unknown>;
  for (const port of PORTS) {
    const target = deps[port] as unknown as Record<string, unknown>;
    wrapped[port] = new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          const state = context.getStore();
          if (!state) return (value as (...a: unknown[]) => unknown).apply(object, args);
          state.calls++;
          const where = `${port}.${String(property)} (call ${state.calls})`;
          if (state.failAt === state.calls && state.mode === "throw-before") throw fault(state, where);
          if (port === "runs" && property === "putStep") await watchMemo(deps, args[0] as StepRecord, memoChanges);
          if (port === "timers" && property === "schedule") checkName((args[0] as TimerRecord).id, badNames);
          if (port === "queue" && property === "enqueue") checkName(jobId(args[0] as Job), badNames);
          if (port === "queue" && property === "enqueueAll") for (const job of args[0] as Job[]) checkName(jobId(job), badNames);
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
          if (state.failAt === state.calls && state.mode === "throw-after") throw fault(state, where);
          return result;
        };
      },
    });
  }
  return wrapped as unknown as EngineDeps;
}

function fault(state: JobContext, where: string): InjectedFault {
  state.onFault?.();
  return new InjectedFault(where);
}

/** Scheduler schedule names and SQS deduplication ids: 1-64 of `[0-9a-zA-Z-_.]` (the stricter of the two). */
function checkName(name: string, badNames: string[]): void {
  if (!/^[0-9a-zA-Z_.-]{1,64}$/.test(name)) badNames.push(name);
}

/** A stored memo is final: record any write that would change it. */
async function watchMemo(deps: EngineDeps, next: StepRecord, memoChanges: string[]): Promise<void> {
  const stored = await deps.runs.getStep(next.runId, next.id);
  if (stored?.memo && JSON.stringify(stored.memo) !== JSON.stringify(next.memo)) {
    memoChanges.push(`${next.runId}/${next.name}: ${JSON.stringify(stored.memo)} -> ${JSON.stringify(next.memo)}`);
  }
}

/** Runs described without ids (event and run ids differ between executions), sorted. */
async function describe(deps: EngineDeps): Promise<Pick<Outcome, "runs" | "live">> {
  const runs = await allRuns(deps.runs);
  const lines: string[] = [];
  const live: string[] = [];
  for (const run of runs) {
    const steps = (await resolveMemos(deps, await deps.runs.listSteps(run.id))).map((step) => `${step.name}=${normalize(step.memo?.value)}`).sort();
    const line = `${run.functionId} <- ${trigger(run)}: ${run.status} ${normalize((await runOutput(deps, run)) ?? run.error?.message ?? null)} [${steps.join(", ")}]`;
    lines.push(line);
    if (run.status === "Running") live.push(`${line} waiting=${JSON.stringify(run.waiting)} pending=${JSON.stringify(run.pending)}`);
  }
  return { runs: lines.sort(), live };
}

function trigger(run: RunRecord): string {
  return run.events.map((event) => `${event.name}${normalize(event.data)}`).join(" + ");
}

/** JSON with run and event ids (which differ between executions) left out or masked. */
function normalize(value: unknown): string {
  const json = JSON.stringify(value, (key, inner: unknown) => (["run_id", "_inngest", "event", "events", "id", "ts"].includes(key) ? undefined : inner)) ?? "undefined";
  return json.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, "<ulid>");
}

/** The crash points of a scenario: 1 .. the most port calls any job of the clean run made. */
export function crashPoints(clean: Outcome): number[] {
  const most = Math.max(0, ...clean.callsPerJob.values());
  return Array.from({ length: most }, (_, index) => index + 1);
}
