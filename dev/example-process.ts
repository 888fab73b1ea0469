import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** Where the example app listens (`FERRY_EXAMPLE_PORT` moves it, e.g. when 3000 is taken). */
export const EXAMPLE_PORT = Number(process.env.FERRY_EXAMPLE_PORT ?? 3000);
export const exampleServeUrl = (port = EXAMPLE_PORT) => `http://127.0.0.1:${port}/api/inngest`;

/**
 * Starts the example app (`examples/video-app`) as a child process pointed at this dev server
 * (or at `ferry aws-local`), with its output prefixed so it reads apart from the engine's lines.
 * It runs in dev mode unless `env` says otherwise (`ferry aws-local --signing-key` hands it the
 * keys). The child dies with us.
 */
export function startExampleApp(devServerUrl: string, log: (line: string) => void, env: Record<string, string> = {}): ChildProcess {
  const root = join(__dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "examples/video-app/main.ts")], {
    cwd: root,
    env: { ...process.env, PORT: String(EXAMPLE_PORT), INNGEST_DEV: devServerUrl, INNGEST_BASE_URL: devServerUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log(`[example] ${line}`);
  };
  child.stdout?.on("data", relay);
  child.stderr?.on("data", relay);
  return child;
}
