import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ferry } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import type { Job } from "../../core";
import { startAppServer, type AppServer } from "../support/app-server";
import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";
import { readStoredState, type StoredState } from "../support/stored-state";

/**
 * "kill -9 loses nothing", where it is weakest: SIGKILL in the middle of applying a step's
 * outcome, between two of the writes that carry it out (memo, run compare-and-set, next job or
 * timer). `FERRY_TEST_PAUSE_AT` stops the dev server's jobs at an exact port call; the test then
 * kills the process, checks what the crash left on disk, restarts on the same file without the
 * pause, and checks the run ends exactly as an uninterrupted one: once, with the right output,
 * every step memoized, and no step body run twice unless its result died with the process.
 *
 * The function: a, b (uses a), sleep 1 s, c (uses b). Each step body counts its executions here.
 * Real clock: the restart takes real time, and a 1 s sleep keeps each case near 2 s.
 */

/** What a crash left on disk, without ids: names of memoized steps, the run's stack, the jobs. */
interface Left {
  status: string;
  memos: string[];
  stack: string[];
  /** `*` marks the job in flight when the process died (it is handed out again on restart). */
  jobs: string[];
}

interface Case {
  /** Where the first process stops: see docs/dev-server.md, "Testing crash safety". */
  pauseAt: string;
  why: string;
  left: Left;
  /**
   * Step bodies that run twice: only a step whose body ran but whose memo was not written when
   * the process died (its result was lost with it). A memoized step must never run again.
   */
  reran?: string[];
}

const cases: Case[] = [
  {
    pauseAt: "runs.putRun:after:1:route",
    why: "route job: run created, its first call not yet enqueued",
    left: { status: "Running", memos: [], stack: [], jobs: ["*route test/crash"] },
  },
  {
    pauseAt: "runs.putStep:before:1:call",
    why: "a ran inline in the first call, its memo not yet written",
    left: { status: "Running", memos: [], stack: [], jobs: ["*call @0"] },
    // a's result came back in the answer of a call that the crash cut short: the redelivered
    // call asks the app again, which runs a again. The only legitimate second execution.
    reran: ["a"],
  },
  {
    pauseAt: "runs.putStep:after:1:call",
    why: "a memoized, the run not yet moved past it",
    left: { status: "Running", memos: ["a"], stack: [], jobs: ["*call @0"] },
  },
  {
    pauseAt: "runs.putRun:after:2:call",
    why: "run moved past a (compare-and-set), the next call not yet enqueued",
    left: { status: "Running", memos: ["a"], stack: ["a"], jobs: ["*call @0"] },
  },
  {
    pauseAt: "queue.enqueue:after:1:call",
    why: "next call enqueued, the job that enqueued it not acknowledged (both are delivered)",
    left: { status: "Running", memos: ["a"], stack: ["a"], jobs: ["*call @0", "call @1"] },
  },
  {
    pauseAt: "timers.schedule:before:1:call",
    why: "sleep recorded in the run, its wake-up timer not yet stored",
    left: { status: "Running", memos: ["a", "b"], stack: ["a", "b"], jobs: ["*call @2"] },
  },
  {
    pauseAt: "timers.schedule:after:1:call",
    why: "sleep's timer stored, the job that stored it not acknowledged",
    left: { status: "Running", memos: ["a", "b"], stack: ["a", "b"], jobs: ["*call @2", "wake nap"] },
  },
  {
    pauseAt: "runs.putStep:after:1:wake",
    why: "wake job: sleep memoized, the run not yet moved past it",
    left: { status: "Running", memos: ["a", "b", "nap"], stack: ["a", "b"], jobs: ["*wake nap"] },
  },
  {
    pauseAt: "queue.enqueue:before:1:wake",
    why: "wake job: run moved past the sleep, the call for c not yet enqueued",
    left: { status: "Running", memos: ["a", "b", "nap"], stack: ["a", "b", "nap"], jobs: ["*wake nap"] },
  },
  {
    pauseAt: "events.putEvent:before:1:call",
    why: "run completed, its inngest/function.finished event not yet stored",
    left: { status: "Completed", memos: ["a", "b", "nap", "c"], stack: ["a", "b", "nap", "c"], jobs: ["*call @4"] },
  },
];

describe("SIGKILL while a job applies a step's outcome loses nothing", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  for (const spec of cases) {
    it(`${spec.pauseAt}: ${spec.why}`, async () => {
      const folder = mkdtempSync(join(tmpdir(), "ferry-crash-"));
      cleanup.push(() => rm(folder, { recursive: true, force: true }));
      const database = join(folder, "dev.db");
      let dev: DevServerProcess = await startDevServerProcess({ database, args: ["--quiet"], env: { FERRY_TEST_PAUSE_AT: spec.pauseAt } });
      cleanup.push(() => dev.kill("SIGKILL"));
      const port = Number(new URL(dev.url).port);

      const ran: Record<string, number[]> = {};
      const body = (name: string, value: () => string) => () => {
        (ran[name] ??= []).push(Date.now());
        return value();
      };
      // One step per call: these cases stop the jobs that carry out a call's answer (the
      // checkpoint path is crashed by the fault harness, test/engine/faults/official-sdk.test.ts).
      const ferry = new Ferry({ id: "crash", isDev: true, baseUrl: dev.url, checkpointing: false });
      const fn = ferry.createFunction({ id: "mid-apply" }, { event: "test/crash" }, async ({ step }) => {
        const a = await step.run("a", body("a", () => "A"));
        const b = await step.run("b", body("b", () => `${a}B`));
        await step.sleep("nap", "1s");
        const c = await step.run("c", body("c", () => `${b}C`));
        return { a, b, c };
      });
      const app: AppServer = await startAppServer(serve({ client: ferry, functions: [fn] }));
      cleanup.push(() => app.close());
      const api = new FerryApi(dev.url);
      await api.request("POST", "/v1/apps/sync", { url: app.serveUrl });
      await api.waitForFunctions(["crash-mid-apply"]);

      const [eventId] = (await api.send({ name: "test/crash", data: {} })) as [string];
      const paused = await api.until("the pause point", async () => /FERRY_PAUSED (\S+)/.exec(dev.output())?.[1], 10_000);
      expect(paused).toBe(spec.pauseAt);
      await dev.kill("SIGKILL");
      // One pause line, and nothing went wrong before it.
      const pauseLine = new RegExp(`^FERRY_PAUSED ${spec.pauseAt.replace(/\./g, "\\.")} job=\\S+$`);
      expect(logLines(dev.output())).toEqual([expect.stringContaining(`test pause  FERRY_TEST_PAUSE_AT=${spec.pauseAt}:`), expect.stringMatching(pauseLine)]);

      // What the crash left: proves the pause landed in the window this case is about.
      const left = describeLeft(readStoredState(database));
      expect(left).toEqual(spec.left);
      const ranBeforeCrash = Object.fromEntries(Object.entries(ran).map(([name, times]) => [name, times.length]));

      // The restarted process must not pause: FERRY_TEST_PAUSE_AT empty is off.
      dev = await startDevServerProcess({ database, port, args: ["--quiet"], env: { FERRY_TEST_PAUSE_AT: "" } });
      const restarted = new FerryApi(dev.url);
      const run = await restarted.finishedRunOf(eventId, undefined, 15_000);
      expect(run).toMatchObject({ status: "Completed", output: { a: "A", b: "AB", c: "ABC" } });
      expect(await restarted.runsOf(eventId)).toHaveLength(1);
      const allRuns = (await restarted.request<{ data: { run_id: string; function_id: string }[] }>("GET", "/v1/runs?limit=100")).body.data;
      expect(allRuns.map((view) => view.run_id)).toEqual([run.run_id]);

      // Every step memoized, with its value (the sleep's memo is null, shown as no output).
      const steps = Object.fromEntries((run.steps ?? []).map((step) => [step.name, { status: step.status, output: step.output ?? null }]));
      expect(steps).toEqual({
        a: { status: "Completed", output: "A" },
        b: { status: "Completed", output: "AB" },
        nap: { status: "Completed", output: null },
        c: { status: "Completed", output: "ABC" },
      });

      // No step body ran twice, except one whose result the crash lost (before its memo).
      const expected = Object.fromEntries(["a", "b", "c"].map((name) => [name, spec.reran?.includes(name) ? 2 : 1]));
      expect(Object.fromEntries(Object.entries(ran).map(([name, times]) => [name, times.length]))).toEqual(expected);
      // Before the crash, exactly the memoized steps had run, plus the one whose memo was lost.
      const ranBefore = ["a", "b", "c"].filter((name) => spec.left.memos.includes(name) || spec.reran?.includes(name));
      expect(ranBeforeCrash).toEqual(Object.fromEntries(ranBefore.map((name) => [name, 1])));
      // The sleep was neither lost nor cut short: c ran a full second after b.
      expect((ran.c?.[0] ?? 0) - (ran.b?.at(-1) ?? 0)).toBeGreaterThanOrEqual(1000);

      // The run's ending was announced once, and nothing was left behind in the queue.
      await restarted.idle();
      const finished = await finishedEvents(restarted, run.run_id);
      expect(finished).toBe(1);
      // Recovery needed no retries and met no problems (--quiet logs only those), and no pause.
      expect(logLines(dev.output())).toEqual([]);
      await dev.kill("SIGTERM");
      expect(readStoredState(database).jobs).toEqual([]);
    });
  }
});

/** The stored state in names: step names for hashed ids, jobs as `call @<position>`, `wake <step>`... */
function describeLeft(state: StoredState): Left {
  expect(state.runs).toHaveLength(1);
  const run = state.runs[0];
  const names = new Map(state.steps.map((step) => [step.id, step.displayName ?? step.name]));
  const name = (id: string) => names.get(id) ?? id;
  const jobName = (job: Job): string => {
    if (job.type === "call") return job.stepId === undefined ? `call @${job.position}` : `call ${name(job.stepId)}`;
    if (job.type === "wake" || job.type === "wait-timeout") return `${job.type} ${name(job.stepId)}`;
    if (job.type === "route") return `route ${job.name ?? job.eventId}`;
    return job.type;
  };
  return {
    status: run?.status ?? "none",
    memos: state.steps.filter((step) => step.memo).map((step) => step.displayName ?? step.name),
    stack: (run?.stack ?? []).map(name),
    jobs: state.jobs.map((row) => `${row.leased ? "*" : ""}${jobName(row.job)}`),
  };
}

async function finishedEvents(api: FerryApi, runId: string): Promise<number> {
  const events = (await api.request<{ data: { name: string; data: { run_id?: string } }[] }>("GET", "/v1/events?limit=100")).body.data;
  return events.filter((event) => event.name === "inngest/function.finished" && event.data.run_id === runId).length;
}

/** What `ferry dev --quiet` printed besides its banner: retries, failures, problems, a test pause. */
function logLines(output: string): string[] {
  return output.split("\n").filter((line) => line.trim() && !/^(Ferry dev server listening| {2}(dashboard|events|runs API|store) )/.test(line));
}
