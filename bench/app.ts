import type { RequestListener } from "node:http";
import { Ferry } from "@ferry/sdk";
import { serve as serveFerry } from "@ferry/sdk/node";
import { Inngest } from "inngest";
import { serve as serveOfficial } from "inngest/node";
import { startAppServer, type AppServer } from "../test/support/app-server";
import { APP_ID, BENCH_FUNCTIONS } from "./functions";
import { countingFetch, countingKeepAliveFetch, type Traffic } from "./traffic";

/** Which SDK the app is written with: ours (`@ferry/sdk`) or the official `inngest` package (v4). */
export type Sdk = "ferry" | "official";

/** What the app needs to reach the engine. */
export interface BenchAppOptions {
  sdk: Sdk;
  /** The dev server, for registration, checkpoints and `step.sendEvent`. */
  devUrl: string;
  /** Counts the SDK's requests to the engine (bench/traffic.ts). */
  traffic: Traffic;
  /** The SDK's `checkpointing.bufferedSteps` (see `Configuration`); its default when absent. */
  bufferedSteps?: number;
}

/** Swallows the official SDK's logs, which would otherwise be printed per run in dev mode. */
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

function ferryListener({ devUrl, traffic, bufferedSteps }: BenchAppOptions): RequestListener {
  const checkpointing = bufferedSteps === undefined ? undefined : { bufferedSteps };
  const ferry = new Ferry({ id: APP_ID, isDev: true, baseUrl: devUrl, fetch: countingKeepAliveFetch(traffic), checkpointing });
  return serveFerry({ client: ferry, functions: BENCH_FUNCTIONS.map((fn) => ferry.createFunction({ id: fn.id, triggers: [{ event: fn.event }] }, fn.handler)) });
}

function officialListener({ devUrl, traffic, bufferedSteps }: BenchAppOptions): RequestListener {
  const checkpointing = bufferedSteps === undefined ? undefined : { bufferedSteps };
  const inngest = new Inngest({ id: APP_ID, isDev: true, baseUrl: devUrl, fetch: countingFetch(traffic), logger: quiet, checkpointing });
  return serveOfficial({ client: inngest, functions: BENCH_FUNCTIONS.map((fn) => inngest.createFunction({ id: fn.id, triggers: [{ event: fn.event }] }, fn.handler)) });
}

/** Serves {@link BENCH_FUNCTIONS} with the chosen SDK at `/api/inngest` on a loopback port. */
export function startBenchApp(options: BenchAppOptions): Promise<AppServer> {
  return startAppServer(options.sdk === "ferry" ? ferryListener(options) : officialListener(options));
}
