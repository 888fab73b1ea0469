import { Duration } from "aws-cdk-lib";

/** The six Lambda functions of a Ferry engine. */
export type EngineFunctionName = "ingest" | "api" | "runner" | "executor" | "timer" | "appSync";

/** The queues a Lambda consumes. */
export type ConsumedQueue = "run" | "delay" | "route";

/** Sizing and code of one engine function. */
export interface EngineFunctionSpec {
  /** Entry file under `lambdas/`, referred to by path only (no engine code reaches synth). */
  readonly entryFile: string;
  /** Memory in MB. */
  readonly memorySize: number;
  /**
   * Timeout. `undefined` for the executor and app-sync, whose timeout follows the engine's
   * `executorTimeout` prop (both make the same call to a user app and share its time budget).
   */
  readonly timeout: Duration | undefined;
  /** Shown in the Lambda console. */
  readonly description: string;
  /**
   * Whether it calls user apps (holds the signing key, signs function URL requests with SigV4):
   * it gets `FERRY_CALL_TIMEOUT_MS` (its own timeout minus {@link CALL_TIMEOUT_MARGIN}), and
   * `lambda:InvokeFunctionUrl` on apps behind AWS_IAM URLs.
   */
  readonly callsApps: boolean;
  /** The queue it consumes through an SQS event source, if any. */
  readonly consumes?: ConsumedQueue;
}

/**
 * Every function's memory and timeout, in one place. Memory stays small where a function only
 * waits on I/O (the executor is billed while the user's endpoint works, DESIGN.md); the api
 * (run views, registrations) and the runner (every event against every trigger) compute more.
 * HTTP API integrations time out at 30 s, so the two HTTP-facing functions stop before that.
 */
export const ENGINE_FUNCTION_SPECS = {
  ingest: {
    entryFile: "ingest.ts",
    memorySize: 256,
    timeout: Duration.seconds(15),
    description: "Ferry event API: POST /e/{eventKey} to the event bus",
    callsApps: false,
  },
  // The api syncs apps on request (`/v1/apps/sync`), so it calls apps too, within its 29 s.
  api: { entryFile: "api.ts", memorySize: 512, timeout: Duration.seconds(29), description: "Ferry REST API: registration, runs, app sync", callsApps: true },
  runner: {
    entryFile: "runner.ts",
    memorySize: 512,
    timeout: Duration.seconds(60),
    description: "Ferry runner: matches events to triggers, waits and cancels",
    callsApps: false,
    consumes: "route",
  },
  executor: { entryFile: "executor.ts", memorySize: 256, timeout: undefined, description: "Ferry executor: calls user functions over HTTP", callsApps: true, consumes: "run" },
  timer: {
    entryFile: "timer.ts",
    memorySize: 256,
    timeout: Duration.seconds(30),
    description: "Ferry timers: sleeps, timeouts, debounce and batch windows",
    callsApps: false,
    consumes: "delay",
  },
  appSync: { entryFile: "app-sync.ts", memorySize: 128, timeout: undefined, description: "Ferry app sync: registers an app URL on deploy", callsApps: true },
} as const satisfies Record<EngineFunctionName, EngineFunctionSpec>;

/** Every engine function name, in a stable order (for loops and dashboards). */
export const ENGINE_FUNCTION_NAMES = Object.keys(ENGINE_FUNCTION_SPECS) as EngineFunctionName[];

/** The timeout a function gets: its spec's, or the executor's for the two without one. */
export function functionTimeout(name: EngineFunctionName, executorTimeout: Duration): Duration {
  const spec: EngineFunctionSpec = ENGINE_FUNCTION_SPECS[name];
  return spec.timeout ?? executorTimeout;
}

/** The function that consumes `queue`. */
export function consumerOf(queue: ConsumedQueue): EngineFunctionName {
  const name = ENGINE_FUNCTION_NAMES.find((n) => (ENGINE_FUNCTION_SPECS[n] as EngineFunctionSpec).consumes === queue);
  if (name === undefined) throw new Error(`no engine function consumes the ${queue} queue`);
  return name;
}

/**
 * How much of its own timeout a function that calls apps keeps back after the call gives up, so
 * it can still record the timeout and answer (acknowledge the message, respond to the request)
 * before Lambda stops it.
 */
export const CALL_TIMEOUT_MARGIN = Duration.seconds(10);

/**
 * SQS visibility timeout of a queue per unit of its consumer's timeout. Lambda's guidance is at
 * least 6x: the event source retries a throttled invoke within the visibility window, and a
 * shorter window returns messages that are still being worked on.
 */
export const VISIBILITY_PER_TIMEOUT = 6;

/** Messages per SQS batch handed to a consumer Lambda (the SQS receive maximum). */
export const SQS_BATCH_SIZE = 10;
