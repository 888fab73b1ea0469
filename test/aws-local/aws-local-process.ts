import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const cli = join(__dirname, "../../dev/cli/ferry.cjs");

/** A `ferry aws-local` process started by a test, the way a user starts it. */
export interface AwsLocalProcess {
  /** The HTTP API's base URL, without a trailing slash. */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Sends `signal` (SIGKILL by default: no chance to save anything) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts a fresh process with the same arguments (and `extra` ones) and port. */
  restart(extra?: string[]): Promise<AwsLocalProcess>;
}

/** Starts `node dev/cli/ferry.cjs aws-local <args>` (with `env` added) and resolves once it prints its URL (synth included: up to 90 s). */
export async function startAwsLocalProcess(args: string[], port = 0, env: Record<string, string> = {}): Promise<AwsLocalProcess> {
  const child = spawn(process.execPath, [cli, "aws-local", "--port", String(port), ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...env } });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /offline AWS topology at (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve(match[1] as string);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`ferry aws-local exited with ${code} before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`ferry aws-local did not start within 90 s:\n${output}`)), 90_000).unref();
  });
  // The banner's last line follows the URL in the same write or the next.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    url,
    output: () => output,
    stop: (signal = "SIGKILL") => exitOf(child, signal),
    restart: (extra = []) => startAwsLocalProcess([...args, ...extra], Number(new URL(url).port), env),
  };
}

function exitOf(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill(signal);
  });
}
