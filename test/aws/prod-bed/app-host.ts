import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { BedClock } from "../../../aws-local/bed-clock";
import { BED_TIME_PRELOAD, bedTimeEnv, tellBedTime } from "../../../aws-local/lambda-host/bed-time";

/** What an app reported: every `observe(name, data)` call, in order. */
export interface Observation {
  name: string;
  data?: unknown;
}

/** A user app running in its own process on the bed's clock, behind a function URL on loopback. */
export interface AppHost {
  /** The app's function URL (its serve endpoint). */
  url: string;
  observations: Observation[];
  logLines: string[];
  count(name: string): number;
  close(): Promise<void>;
}

/** Where a deployment is, as its stack outputs say: the HTTP API, the SDK's function URL and the keys. */
export interface DeploymentEndpoints {
  apiUrl: string;
  functionUrls: { Api?: string };
  signingKey: string;
  eventKey: string;
}

/**
 * Starts the app module at `modulePath` (a `BedApp`), configured as README's "Deploy to AWS"
 * says, through the environment: `INNGEST_BASE_URL` the HTTP API (events), `INNGEST_API_BASE_URL`
 * the api Lambda's function URL (registration, checkpoints), and the keys.
 */
export async function startAppHost(modulePath: string, clock: BedClock, deployment: DeploymentEndpoints): Promise<AppHost> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("INNGEST_")) delete env[name];
  const child: ChildProcess = fork(join(__dirname, "app-process.ts"), [modulePath], {
    env: {
      ...env,
      ...bedTimeEnv(clock),
      INNGEST_BASE_URL: deployment.apiUrl,
      INNGEST_API_BASE_URL: deployment.functionUrls.Api ?? deployment.apiUrl,
      INNGEST_SIGNING_KEY: deployment.signingKey,
      INNGEST_EVENT_KEY: deployment.eventKey,
    },
    execArgv: ["--require", BED_TIME_PRELOAD, "--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const logLines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on("line", (line) => logLines.push(line));
  const observations: Observation[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.on("message", (message: { type: string; url?: string; error?: string; name?: string; data?: unknown }) => {
      if (message.type === "ready") resolve(message.url as string);
      else if (message.type === "failed") reject(new Error(`app ${modulePath} failed to start: ${message.error}`));
      else if (message.type === "observe") observations.push({ name: message.name as string, data: message.data });
    });
    child.once("exit", (code) => reject(new Error(`app ${modulePath} exited with ${code}: ${logLines.slice(-10).join("\n")}`)));
  });
  clock.onJump(() => tellBedTime(child, clock));
  return {
    url,
    observations,
    logLines,
    count: (name) => observations.filter((o) => o.name === name).length,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
