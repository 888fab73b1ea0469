import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ferry } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import type { RunRecord } from "../core/model/run";
import { startDevServer, type RunningDevServer } from "../dev/start-dev-server";

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
  const app: Server = createServer(serve({ client: ferry, functions: [fn] }));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;

  const close = async (): Promise<void> => {
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await dev.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await syncAndWait(dev.url, appUrl);
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

async function syncAndWait(devUrl: string, appUrl: string): Promise<void> {
  const sync = await fetch(`${devUrl}/v1/apps/sync`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: appUrl }),
  });
  if (!sync.ok) throw new Error(`app sync failed: ${sync.status} ${await sync.text()}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await fetch(`${devUrl}/v1/functions`);
    if ((await res.text()).includes(`"${FUNCTION_ID}"`)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`function ${FUNCTION_ID} did not appear after sync`);
}
