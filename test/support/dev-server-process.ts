import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = join(__dirname, "../../dev/cli/ferry.cjs");

/** A `ferry dev` process started by a test, the way a user starts it. */
export interface DevServerProcess {
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Kills it (SIGKILL by default: no chance to clean up) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts a fresh process on the same database and port. */
  restart(): Promise<DevServerProcess>;
}

/** Options for a test dev server; the database defaults to a fresh temp file. */
export interface DevServerProcessOptions {
  database?: string;
  args?: string[];
  port?: number;
  /** Extra environment for the process (and the example app it starts). */
  env?: Record<string, string>;
}

/** Starts `node dev/cli/ferry.cjs dev` and resolves once it prints its URL. */
export async function startDevServerProcess(options: DevServerProcessOptions = {}): Promise<DevServerProcess> {
  const database = options.database ?? join(mkdtempSync(join(tmpdir(), "ferry-e2e-")), "dev.db");
  const args = [cli, "dev", "--port", String(options.port ?? 0), "--db", database, "--retry-base", "200ms", ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...options.env } });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve(match[1] as string);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`ferry dev exited with ${code} before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`ferry dev did not start within 20 s:\n${output}`)), 20_000).unref();
  });
  const port = Number(new URL(url).port);
  return {
    url,
    output: () => output,
    kill: (signal = "SIGKILL") => exitOf(child, signal),
    restart: () => startDevServerProcess({ ...options, database, port }),
  };
}

function exitOf(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill(signal);
  });
}
