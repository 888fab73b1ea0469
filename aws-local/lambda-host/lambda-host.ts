import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { BedClock } from "../bed-clock";
import { BED_TIME_PRELOAD, bedTimeEnv, tellBedTime } from "./bed-time";

/** One Lambda function of the production-path bed. */
export interface LambdaHostOptions {
  /** The function's name (its logical id in the template). */
  name: string;
  /** The bundle's entry file (`index.js` of the asset `cdk synth` wrote). */
  bundle: string;
  /** The handler's export name (the part after the dot of `Handler`). @default "handler" */
  exportName?: string;
  /** The function's environment, as the template resolves it, plus the bed's endpoints. */
  env: Record<string, string>;
  clock: BedClock;
  /**
   * Where the runtime's own modules are: the AWS SDK v3 and nothing else, standing for the
   * Lambda runtime's `/var/runtime/node_modules`, so a bundle that needs more fails here too.
   */
  nodePath: string;
  timeoutSeconds: number;
  /** Memory in MB (billing: GB-seconds). */
  memoryMb: number;
  /** Called with each line the function writes (`ferry aws-local` prints them). */
  onLogLine?: (line: string) => void;
  /** How many of the latest lines `logLines` keeps (a long-running host must not keep them all). @default Infinity */
  logLimit?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** An invocation's failure as the handler threw it (Lambda reports it as a function error). */
export class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    error: { name?: string; message?: string; stack?: string },
  ) {
    super(`${functionName} failed: ${error.name ?? "Error"}: ${error.message ?? ""}`);
    this.name = "FunctionError";
    this.stack = error.stack ?? this.stack;
  }
}

/**
 * A Lambda execution environment on the bed: a child process that loads the synthesized bundle
 * once (the cold start), takes invocations over IPC and reads the bed's clock (`bed-time-preload.cjs`).
 * `crash()` kills it like a Lambda that hit its timeout or ran out of memory mid-batch; the next
 * invocation starts a fresh environment, as Lambda would.
 */
export class LambdaHost {
  /** The lines the function wrote to stdout/stderr (its CloudWatch log stream): all of them, or the last `logLimit`. */
  readonly logLines: string[] = [];
  /** Invocations by count, and cold starts. */
  invocations = 0;
  coldStarts = 0;
  /** Wall time spent in invocations (ms): what Lambda bills as duration, on this machine. */
  busyMs = 0;
  private child?: ChildProcess;
  private starting?: Promise<ChildProcess>;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(readonly options: LambdaHostOptions) {
    options.clock.onJump(() => this.syncClock());
  }

  /** Invokes the handler with `event`; resolves with its result, rejects with a `FunctionError`. */
  async invoke<T = unknown>(event: unknown): Promise<T> {
    const child = await this.ensureStarted();
    this.invocations++;
    const seq = ++this.seq;
    const started = performance.now();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ type: "invoke", seq, event });
    }).finally(() => (this.busyMs += performance.now() - started));
  }

  /** Kills the environment now: invocations in flight fail, as a Lambda timeout fails them. */
  crash(): void {
    this.child?.kill("SIGKILL");
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  }

  private ensureStarted(): Promise<ChildProcess> {
    if (this.child && this.child.exitCode === null && !this.child.killed) return Promise.resolve(this.child);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<ChildProcess> {
    const { options } = this;
    this.coldStarts++;
    const child = fork(join(__dirname, "lambda-host-process.cjs"), [options.bundle, options.exportName ?? "handler"], {
      // Only what Lambda gives a function: its configuration, no inherited variables.
      env: {
        ...options.env,
        PATH: process.env.PATH ?? "",
        NODE_PATH: options.nodePath,
        AWS_LAMBDA_FUNCTION_NAME: options.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeoutSeconds),
        ...bedTimeEnv(options.clock),
      },
      execArgv: ["--require", BED_TIME_PRELOAD, "--enable-source-maps"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const limit = options.logLimit ?? Infinity;
    const onLine = (line: string) => {
      this.logLines.push(line);
      if (this.logLines.length > limit) this.logLines.splice(0, this.logLines.length - limit);
      options.onLogLine?.(line);
    };
    for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on("line", onLine);
    child.on("message", (message: { type: string; seq?: number; ok?: boolean; value?: unknown; error?: { name?: string; message?: string; stack?: string } }) => {
      if (message.type !== "result") return;
      const pending = this.pending.get(message.seq as number);
      this.pending.delete(message.seq as number);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new FunctionError(options.name, message.error ?? {}));
    });
    child.on("exit", (code, signal) => {
      for (const [seq, pending] of this.pending) {
        this.pending.delete(seq);
        pending.reject(new FunctionError(options.name, { name: "Runtime.ExitError", message: `the environment stopped (${signal ?? `exit ${code}`}) during the invocation` }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      child.on("message", (message: { type: string; error?: { message?: string } }) => {
        if (message.type === "ready") resolve();
        if (message.type === "init-failed") reject(new Error(`${options.name} failed to initialize: ${message.error?.message}`));
      });
      child.once("exit", (code) => reject(new Error(`${options.name} exited with ${code} during init: ${this.logLines.slice(-5).join("\n")}`)));
    });
    this.child = child;
    return child;
  }

  /** Tells the environment the bed's new time, and waits until it has taken it. */
  private syncClock(): Promise<void> {
    return tellBedTime(this.child, this.options.clock);
  }
}
