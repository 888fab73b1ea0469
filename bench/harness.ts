import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevServer, type RunningDevServer } from "../dev/start-dev-server";
import { FerryApi } from "../test/support/ferry-api";
import { startBenchApp, type Sdk } from "./app";
import { startAppThread } from "./app-thread";
import { FUNCTION_IDS, type BenchEvent } from "./functions";
import { RunTracker, type FinishedRun } from "./run-tracker";
import { countingCaller, noTraffic, type Traffic } from "./traffic";

/** What a harness runs: which SDK serves the functions, whether the engine checkpoints, where state lives. */
export interface HarnessOptions {
  sdk: Sdk;
  /** Passed to the dev server; off, the engine sends no `ctx.fn_id` and SDKs run one step per call. */
  checkpointing: boolean;
  /** `:memory:` SQLite instead of a file in a temp dir. */
  memory: boolean;
  /** Serve the app from a thread of its own (its own core), not the engine's event loop. */
  appThread: boolean;
  /** The SDK's `checkpointing.bufferedSteps` (see `Configuration`). */
  bufferedSteps?: number;
}

/** An in-process dev server, an app serving the benchmark functions, and run completion tracking. */
export interface Harness {
  /** Bytes between engine and app so far; take snapshots around a workload. */
  readonly traffic: Readonly<Traffic>;
  /** Reserves `count` consecutive `data.seq` values; returns the first. */
  seqs(count: number): number;
  /** Resolves when the run of the event tagged `seq` completes (see {@link RunTracker.waitFor}). */
  waitFor(seq: number): Promise<FinishedRun>;
  /** Sends one event and resolves when its run completes; rejects if it did not. */
  runOnce(event: BenchEvent): Promise<{ sentAt: number; finished: FinishedRun }>;
  close(): Promise<void>;
}

const noop = (): void => undefined;

/**
 * Starts a fresh dev server (file-backed SQLite in a temp dir unless `memory`) and an app
 * serving the benchmark functions with the chosen SDK, and syncs it.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = options.memory ? undefined : mkdtempSync(join(tmpdir(), "ferry-bench-"));
  const database = dir ? join(dir, "bench.db") : ":memory:";
  const dev: RunningDevServer = await startDevServer(
    { port: 0, host: "127.0.0.1", database, urls: [], example: false, virtualClock: false, quiet: true, checkpointing: options.checkpointing },
    noop,
  );
  const traffic = noTraffic();
  // The engine reads `deps.caller` on every call, so wrapping it here counts every call.
  dev.engine.deps.caller = countingCaller(dev.engine.deps.caller, traffic);
  const tracker = new RunTracker(dev.engine.deps.observer);
  const choice = { sdk: options.sdk, bufferedSteps: options.bufferedSteps };
  const app = options.appThread ? await startAppThread(choice, dev.url, traffic) : await startBenchApp({ ...choice, devUrl: dev.url, traffic });

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

  let nextSeq = 0;
  const send = async (event: BenchEvent): Promise<void> => {
    const res = await fetch(`${dev.url}/e/bench`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
    if (!res.ok) throw new Error(`POST /e/bench → ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  return {
    traffic,
    seqs: (count) => {
      const first = nextSeq;
      nextSeq += count;
      return first;
    },
    waitFor: (seq) => tracker.waitFor(seq),
    runOnce: async (event) => {
      const finished = tracker.waitFor(event.data.seq);
      const sentAt = performance.now();
      await send(event);
      return { sentAt, finished: await finished };
    },
    close,
  };
}

/** Syncs the app through the dev server's API; the functions are registered when it answers. */
async function syncApp(devUrl: string, appUrl: string): Promise<void> {
  const api = new FerryApi(devUrl);
  const sync = await api.request("POST", "/v1/apps/sync", { url: appUrl });
  if (sync.status !== 200) throw new Error(`app sync failed: ${sync.status} ${JSON.stringify(sync.body)}`);
  await api.waitForFunctions(FUNCTION_IDS);
}
