import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ferry } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import type { RunRecord } from "../core/model/run";
import { startDevServer, type RunningDevServer } from "../dev/start-dev-server";
import { startAppServer } from "../test/support/app-server";
import { FerryApi } from "../test/support/ferry-api";

/** Steps in the benchmark function; every run executes exactly this many `step.run` calls. */
export const STEPS_PER_RUN = 10;
/** Event that triggers the benchmark function. */
export const EVENT_NAME = "bench/run";
const FUNCTION_ID = "bench-ten-steps";

/** A finished run as the harness reports it: engine timestamps plus the local finish time. */
export interface FinishedRun {
  status: RunRecord["status"];
  createdAt: number;
  endedAt?: number;
  /** `performance.now()` when the engine's `runFinished` observer fired. */
  observedAt: number;
}

/** An in-process dev server, an app serving the 10-step function, and run completion tracking. */
export interface Harness {
  devUrl: string;
  /** Where the SQLite database lives (":memory:" for in-memory). */
  database: string;
  /**
   * Sends one `bench/run` event tagged with `seq` and resolves when its run finishes.
   * Rejects if the run did not complete successfully.
   */
  runOnce(seq: number): Promise<{ sentAt: number; finished: FinishedRun }>;
  close(): Promise<void>;
}

const noop = (): void => undefined;

/** Starts the dev server (file-backed SQLite in a temp dir unless `memory`) and syncs the app. */
export async function startHarness(options: { memory: boolean }): Promise<Harness> {
  const dir = options.memory ? undefined : mkdtempSync(join(tmpdir(), "ferry-bench-"));
  const database = dir ? join(dir, "bench.db") : ":memory:";
  const dev: RunningDevServer = await startDevServer(
    { port: 0, host: "127.0.0.1", database, urls: [], example: false, virtualClock: false, quiet: true },
    noop,
  );
  const waiters = new Map<number, (run: FinishedRun) => void>();
  const observer = dev.engine.deps.observer;
  const original = observer.runFinished?.bind(observer);
  observer.runFinished = (run: RunRecord): void => {
    const observedAt = performance.now();
    original?.(run);
    const seq = run.events[0]?.data.seq;
    if (typeof seq !== "number") return;
    const resolve = waiters.get(seq);
    waiters.delete(seq);
    resolve?.({ status: run.status, createdAt: run.createdAt, endedAt: run.endedAt, observedAt });
  };

  const ferry = new Ferry({ id: "bench", isDev: true, baseUrl: dev.url });
  const fn = ferry.createFunction({ id: "ten-steps" }, { event: EVENT_NAME }, async ({ step }) => {
    for (let i = 0; i < STEPS_PER_RUN; i++) await step.run(`s${i}`, () => i);
    return "done";
  });
  const app = await startAppServer(serve({ client: ferry, functions: [fn] }));

  const close = async (): Promise<void> => {
    await app.close();
    await dev.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await syncApp(dev.url, app.serveUrl);
  } catch (err) {
    await close();
    throw err;
  }

  return {
    devUrl: dev.url,
    database,
    runOnce: async (seq) => {
      const finished = new Promise<FinishedRun>((resolve) => waiters.set(seq, resolve));
      const sentAt = performance.now();
      const res = await fetch(`${dev.url}/e/bench`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: EVENT_NAME, data: { seq } }),
      });
      if (!res.ok) throw new Error(`POST /e/bench → ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      const run = await finished;
      if (run.status !== "Completed") throw new Error(`run for seq ${seq} ended ${run.status}`);
      return { sentAt, finished: run };
    },
    close,
  };
}

/** Syncs the app through the dev server's API; the functions are registered when it answers. */
async function syncApp(devUrl: string, appUrl: string): Promise<void> {
  const api = new FerryApi(devUrl);
  const sync = await api.request("POST", "/v1/apps/sync", { url: appUrl });
  if (sync.status !== 200) throw new Error(`app sync failed: ${sync.status} ${JSON.stringify(sync.body)}`);
  await api.waitForFunctions([FUNCTION_ID]);
}
