import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashSigningKey } from "../../adapters/http/signing";
import { startDashboardProxy, type DashboardProxy } from "../../dev/dashboard-proxy/dashboard-proxy";
import { exampleServeUrl, startExampleApp } from "../../dev/example-process";
import { readFerryStack, synthesize } from "../prod-bed/cloud-assembly";
import { startProdBed, type ProdBed } from "../prod-bed/prod-bed";
import { awsLocalFront } from "./aws-local-front";
import type { AwsLocalOptions } from "./aws-local-options";
import { formatLogLine } from "./log-line";

/** A running `ferry aws-local`. */
export interface AwsLocal {
  /** The HTTP API's base URL, ending with `/` (what `INNGEST_BASE_URL` points at). */
  url: string;
  /** The dashboard's URL (no trailing slash), unless it was turned off. */
  dashboardUrl?: string;
  /** `signkey-prod-<hex>`: the key apps sign with when not in dev mode. */
  signingKey: string;
  eventKey: string;
  bed: ProdBed;
  /** Stops taking requests, lets the functions' batches in flight finish, saves the queues and schedules, stops every server. */
  close(): Promise<void>;
}

/** The stage the local stack is synthesized with: the bus is `ferry-local`, the stack `Ferry-local`. */
const STAGE = "local";

/**
 * Starts the production topology offline for `ferry aws-local`: synthesizes the stack as
 * `cdk synth` does (bundles included), or reads the one `--assembly` names; stands it on the
 * offline servers and emulators on the wall clock, in `options.dir` or in memory, with the local
 * front (dev mode, cross-site guard); starts the example app with `--example`; and syncs it and
 * the apps of `-u`. `print` gets the functions' log lines and progress messages.
 */
export async function startAwsLocal(options: AwsLocalOptions, print: (line: string) => void): Promise<AwsLocal> {
  if (options.dir !== undefined) mkdirSync(options.dir, { recursive: true });
  // Synthesized into the data directory (or a temporary one), unless an assembly was given.
  const assembly = options.assembly ?? (options.dir !== undefined ? join(options.dir, "cdk.out") : mkdtempSync(join(tmpdir(), "ferry-aws-local-")));
  const ownAssembly = options.assembly === undefined && options.dir === undefined;
  let topology: Topology;
  try {
    topology = await startTopology(options, assembly, print);
  } catch (error) {
    // Nothing runs from a temporary assembly yet: leave nothing behind in the temp directory.
    if (ownAssembly) rmSync(assembly, { recursive: true, force: true });
    throw error;
  }
  const { bed, api, dashboard } = topology;
  const urls = [...options.urls];
  let example: ChildProcess | undefined;
  if (options.example) {
    // Without --signing-key the app runs in dev mode, as with ferry dev; with it, it holds the keys.
    const keys: Record<string, string> = options.signingKeyHex === undefined ? {} : { INNGEST_DEV: "", INNGEST_SIGNING_KEY: bed.signingKey, INNGEST_EVENT_KEY: bed.eventKey };
    example = startExampleApp(api, print, keys);
    urls.push(exampleServeUrl());
  }
  const local: AwsLocal = {
    url: bed.apiUrl,
    dashboardUrl: dashboard?.url,
    signingKey: bed.signingKey,
    eventKey: bed.eventKey,
    bed,
    close: async () => {
      example?.kill("SIGTERM");
      await dashboard?.close();
      await bed.close();
      if (ownAssembly) rmSync(assembly, { recursive: true, force: true });
    },
  };
  for (const url of urls) {
    void syncApp(local, url).then((problem) => print(problem === undefined ? `synced ${url}` : `could not sync ${url}: ${problem}`));
  }
  return local;
}

/** The servers `ferry aws-local` stands up before it starts any app. */
interface Topology {
  bed: ProdBed;
  /** The HTTP API's base URL without the trailing slash. */
  api: string;
  dashboard?: DashboardProxy;
}

/**
 * Synthesizes (or reads) the stack, stands it on the bed and starts the dashboard; stops the
 * bed again when the dashboard cannot start, so a failure leaves no server running.
 */
async function startTopology(options: AwsLocalOptions, assembly: string, print: (line: string) => void): Promise<Topology> {
  if (options.assembly === undefined) print("synthesizing the stack with the CDK (bundles included; about 10 s)...");
  const stack = options.assembly === undefined ? await synthesize(assembly, STAGE) : readFerryStack(options.assembly);
  const bed = await startProdBed(stack, {
    port: options.port,
    host: options.host,
    dataDir: options.dir,
    wallClock: true,
    signingKey: options.signingKeyHex,
    eventKey: options.eventKey,
    onLogLine: (fn, line) => {
      const text = formatLogLine(fn, line, { quiet: options.quiet });
      if (text !== undefined) print(text);
    },
    front: (keys) =>
      awsLocalFront({ ...keys, devMode: options.signingKeyHex === undefined, anyEventKey: options.eventKey === undefined, allowedHosts: [options.host, ...options.allowedHosts] }),
  });
  const api = bed.apiUrl.replace(/\/$/, "");
  // `ferry dashboard` on this API, with the key kept in this process, as for a deployment.
  // Started before the example app, so a taken dashboard port leaves no child behind.
  const dashboard =
    options.dashboardPort === undefined
      ? undefined
      : await startDashboardProxy({ api, port: options.dashboardPort, host: options.host, signingKey: bed.signingKey }).catch(async (error: unknown) => {
          await bed.close();
          throw error;
        });
  return { bed, api, dashboard };
}

/**
 * Asks the api function to sync an app (`POST /v1/apps/sync`), as the dashboard's "Sync now"
 * does, for up to 30 s while the app may still be starting. Resolves with what went wrong, if anything.
 */
async function syncApp(local: AwsLocal, url: string): Promise<string | undefined> {
  let problem = "";
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      const response = await fetch(`${local.url}v1/apps/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${hashSigningKey(local.signingKey)}`, "content-type": "application/json" },
        body: JSON.stringify({ url }),
      });
      if (response.ok) return undefined;
      problem = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return problem;
}
