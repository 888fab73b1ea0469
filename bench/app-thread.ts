import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { join } from "node:path";
import type { AppServer } from "../test/support/app-server";
import { startBenchApp, type BenchAppOptions, type Sdk } from "./app";
import { noTraffic, type Traffic } from "./traffic";

/** What the thread gets: the SDK, the dev server, and the shared counters of its API traffic. */
interface ThreadData {
  sdk: Sdk;
  bufferedSteps?: number;
  devUrl: string;
  /** [apiRequests, apiBytes], written by the thread, read by the harness. */
  counters: SharedArrayBuffer;
}

/**
 * The app in a thread of its own (`--app-thread`), so it runs on its own core as an app in its
 * own process would, instead of sharing the engine's event loop. Its requests to the engine are
 * counted into shared memory, so `traffic` reads them synchronously like the in-process app's.
 */
export async function startAppThread({ sdk, bufferedSteps }: Pick<BenchAppOptions, "sdk" | "bufferedSteps">, devUrl: string, traffic: Traffic): Promise<AppServer> {
  const counters = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT);
  // The thread loads TypeScript as the main thread does (tsx's require hook), then this file.
  const entry = `require("tsx/cjs"); require(${JSON.stringify(join(__dirname, "app-thread.ts"))});`;
  const worker = new Worker(entry, { eval: true, workerData: { sdk, bufferedSteps, devUrl, counters } satisfies ThreadData });
  const serveUrl = await new Promise<string>((resolve, reject) => {
    worker.once("message", (message: { serveUrl: string }) => resolve(message.serveUrl));
    worker.once("error", reject);
  });
  backApiCounters(traffic, counters);
  return { serveUrl, close: async () => void (await worker.terminate()) };
}

/**
 * Keeps `traffic`'s API counters in `counters` ([apiRequests, apiBytes]): the thread counts
 * into them and the harness reads them, both through the same `Traffic` fields.
 */
function backApiCounters(traffic: Traffic, counters: SharedArrayBuffer): Traffic {
  const shared = new Float64Array(counters);
  const field = (index: number): PropertyDescriptor => ({ get: () => shared[index], set: (value: number) => void (shared[index] = value), enumerable: true });
  return Object.defineProperties(traffic, { apiRequests: field(0), apiBytes: field(1) });
}

/** The thread itself: serve the app and report where. */
async function serveInThread(): Promise<void> {
  const { sdk, bufferedSteps, devUrl, counters } = workerData as ThreadData;
  const traffic = backApiCounters(noTraffic(), counters);
  const app = await startBenchApp({ sdk, bufferedSteps, devUrl, traffic });
  parentPort?.postMessage({ serveUrl: app.serveUrl });
}

if (!isMainThread) void serveInThread();
