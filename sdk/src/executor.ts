import { postCheckpoint, staleDispatchError } from "./checkpoint-client";
import { checkpointCall, type CheckpointCall } from "./checkpointing";
import { engineConnection, type EngineConnection } from "./engine-api";
import { serializeError } from "./error-serde";
import type { CallRequest, ExecutionResult, Retriability } from "./execution-types";
import type { FerryFunction } from "./ferry-function";
import { hashStepId, indexedStepId, RUN_COMPLETE_ID } from "./hash";
import { loadRunState, type RunState } from "./run-state";
import { createStepTools } from "./step-tools";
import type { OutgoingOp, StepRequest } from "./step-types";
import type { FerryEvent, Logger } from "./types";
import { readMemo } from "./memo";
import { retriability } from "./retriability";

/** Inputs of one execution. */
export interface ExecuteOptions {
  fn: FerryFunction;
  request: CallRequest;
  /** Hashed step id to run; `"step"` or undefined means discovery. */
  stepId?: string;
  logger: Logger;
  /** Where checkpoints and `use_api` reads go; defaults to the function's client. */
  engine?: EngineConnection;
  /** The clock, in epoch ms (default `Date.now`); it times `maxRuntime`. */
  now?: () => number;
  /** Waits between checkpoint attempts (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Calls `callback` after `ms` unless cancelled (default: an unref'd `setTimeout`); it times
   * `checkpointing.maxInterval`.
   */
  timer?: (ms: number, callback: () => void) => () => void;
}

type ExecutionDeps = Required<Pick<ExecuteOptions, "engine" | "now" | "sleep" | "timer">>;

interface FoundStep {
  hashedId: string;
  request: StepRequest;
  /** Settles the promise user code awaits; only a checkpointed step is ever settled. */
  resolve(value: unknown): void;
}

type StepRan = Extract<ExecutionResult, { type: "step-ran" }>;

/**
 * Replays a function against its memoized steps and decides what to answer: the function's
 * result, its error, one step's outcome, or the new steps it reached. When the call may
 * checkpoint, a lone new step is run, checkpointed to the engine and handed back to the
 * function, which goes on to its next step in the same call.
 *
 * @example
 * ```ts
 * const result = await execute({ fn, request: body, stepId: "step", logger: console });
 * ```
 */
export async function execute(options: ExecuteOptions): Promise<ExecutionResult> {
  const deps: ExecutionDeps = {
    engine: options.engine ?? engineConnection(options.fn.client),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    timer: options.timer ?? unrefTimer,
  };
  const startedAt = deps.now();
  let state: RunState;
  try {
    state = await loadRunState(options.request, deps.engine);
  } catch (err) {
    // Retriable whatever the attempt: the function did not fail, the engine could not be read.
    options.logger.error("ferry: could not load run state", err);
    return { type: "function-rejected", error: serializeError(err), retriable: true };
  }
  return new Execution(options, deps, state, startedAt).start();
}

class Execution {
  private readonly memo: Record<string, unknown>;
  private readonly checkpoint: CheckpointCall | undefined;
  private readonly found: FoundStep[] = [];
  private readonly uses = new Map<string, number>();
  private readonly warned = new Set<string>();
  private readonly memoErrors = new WeakSet<Error>();
  /** Steps run and handed back to the function but not reported yet (`bufferedSteps` > 1). */
  private buffer: OutgoingOp[] = [];
  /** When the oldest buffered step was buffered, and the timer that reports it at `maxInterval`. */
  private bufferedAt = 0;
  private cancelIntervalTimer: (() => void) | undefined;
  /** The last report sent: reports go one after another, so the engine sees steps in order. */
  private reporting: Promise<ExecutionResult | undefined> = Promise.resolve(undefined);
  private pokes = 0;
  /** The answer is decided (`done`), or being prepared while buffered steps are reported (`ending`). */
  private done = false;
  private ending = false;
  private deciding = false;
  private resolveResult: (result: ExecutionResult) => void = () => undefined;

  constructor(
    private readonly options: ExecuteOptions,
    private readonly deps: ExecutionDeps,
    private readonly state: RunState,
    private readonly startedAt: number,
  ) {
    this.memo = state.steps;
    this.checkpoint = checkpointCall(options.fn.checkpointing, options.request, options.stepId);
  }

  start(): Promise<ExecutionResult> {
    return new Promise((resolve) => {
      this.resolveResult = resolve;
      const { fn, request, logger } = this.options;
      const event = request.event;
      const events: FerryEvent[] = this.state.events?.length ? this.state.events : [event];
      const step = createStepTools((req) => this.register(req), { appId: fn.appId, runId: request.ctx?.run_id ?? "", send: (p) => fn.client.send(p) });
      const ctx = { event, events, step, runId: request.ctx?.run_id ?? "", attempt: this.attempt, logger };
      fn.run(ctx).then(
        (data) => this.end({ type: "function-resolved", data: data === undefined ? null : data }),
        (err: unknown) => this.end({ type: "function-rejected", error: serializeError(err), retriable: this.retriability(err) }),
      );
    });
  }

  private get attempt(): number {
    return this.options.request.ctx?.attempt ?? 0;
  }

  private get maxAttempts(): number {
    return this.options.request.ctx?.max_attempts ?? this.options.fn.maxAttempts;
  }

  private register(request: StepRequest): Promise<unknown> {
    const previous = this.uses.get(request.userId) ?? 0;
    this.uses.set(request.userId, previous + 1);
    if (previous > 0 && !this.warned.has(request.userId)) {
      this.warned.add(request.userId);
      this.options.logger.warn(`ferry: step id "${request.userId}" is used more than once in one run; later uses are indexed "${request.userId}:1", ":2"... Give each step a unique, stable id.`);
    }
    const hashedId = hashStepId(indexedStepId(request.userId, previous));
    this.poke();
    if (Object.hasOwn(this.memo, hashedId)) {
      return readMemo(request, this.memo[hashedId], (err) => this.memoErrors.add(err));
    }
    return new Promise((resolve) => this.found.push({ hashedId, request, resolve }));
  }

  /**
   * (Re)arms the idle check: one macrotask after the last step activity, once every microtask
   * of the handler has run. Only the latest poke counts.
   */
  private poke(): void {
    if (this.done) return;
    const poke = ++this.pokes;
    nextMacrotask(() => {
      if (poke === this.pokes) void this.onIdle();
    });
  }

  private async onIdle(): Promise<void> {
    // Nothing new yet: user code is still working outside steps; wait for it.
    if (this.done || this.ending || this.deciding || this.found.length === 0) return;
    this.deciding = true;
    const result = await this.decide();
    if (result) return this.end(result);
    // A step was checkpointed and handed back: decide again once the function reaches its next.
    this.deciding = false;
    this.poke();
  }

  /**
   * Ends the call with `result` once the buffered steps are reported: a resolved function's answer
   * carries them beside `RunComplete`; anything else reports them first, and if that fails,
   * answers them instead (the engine stores them and calls again, and the replay reaches
   * `result` again).
   */
  private async end(result: ExecutionResult): Promise<void> {
    if (this.done || this.ending) return;
    this.ending = true;
    this.cancelIntervalTimer?.();
    let answer = (await this.reporting) ?? result;
    if (answer === result && this.buffer.length > 0) {
      answer = result.type === "function-resolved" ? { type: "steps-found", ops: [...this.buffer.splice(0), runComplete(result.data)] } : ((await this.report()) ?? result);
    }
    this.done = true;
    this.resolveResult(answer);
  }

  /** What ends the call, or undefined when a step was checkpointed and the call goes on. */
  private async decide(): Promise<ExecutionResult | undefined> {
    const stepId = this.options.stepId;
    if (stepId && stepId !== "step") {
      const target = this.found.find((f) => f.hashedId === stepId);
      if (!target) return { type: "step-not-found", stepId, foundSteps: this.found.map(planned) };
      return target.request.body ? this.runStep(target) : { type: "steps-found", ops: [planned(target)] };
    }
    const only = this.found.length === 1 ? this.found[0] : undefined;
    if (!only?.request.body || this.options.request.ctx?.disable_immediate_execution) return { type: "steps-found", ops: this.found.map(planned) };
    if (!this.checkpoint) return this.runStep(only);
    // Past maxRuntime the engine gets the step planned and runs it in a call of its own.
    if (this.deps.now() - this.startedAt >= this.checkpoint.maxRuntimeMs) return { type: "steps-found", ops: [planned(only)] };
    return this.runAndCheckpoint(only, this.checkpoint);
  }

  private async runStep(step: FoundStep): Promise<StepRan> {
    const base = { id: step.hashedId, name: step.request.op.name, displayName: step.request.displayName, ...(step.request.op.opts ? { opts: step.request.op.opts } : {}) };
    const started = this.deps.now();
    const timing = () => ({ a: started * 1e6, b: (this.deps.now() - started) * 1e6 });
    try {
      const data: unknown = await step.request.body?.(step.hashedId);
      return { type: "step-ran", op: { op: "StepRun", ...base, data: data === undefined ? null : data, timing: timing() } };
    } catch (err) {
      const retriable = this.retriability(err);
      return { type: "step-ran", op: { op: retriable === false ? "StepFailed" : "StepError", ...base, error: serializeError(err), timing: timing() }, retriable };
    }
  }

  /**
   * Runs the lone new step and checkpoints it. With `bufferedSteps` 1 (the default) the step is
   * reported before the function sees its value. With more, the function goes on at once and
   * holds up to that many unreported steps: a full buffer, or one whose oldest step is
   * `maxInterval` old, is reported before another step runs, and what is left when the function
   * ends rides in its answer (`end`), so a run that fits in one buffer makes no report at all.
   * Resolves undefined when the call goes on, else with what ends it.
   */
  private async runAndCheckpoint(step: FoundStep, call: CheckpointCall): Promise<ExecutionResult | undefined> {
    if (this.buffer.length >= call.bufferedSteps || (this.buffer.length > 0 && this.deps.now() - this.bufferedAt >= call.maxIntervalMs)) {
      const problem = await this.report();
      if (problem) return problem;
    }
    const ran = await this.runStep(step);
    // A failed step is answered as without checkpointing; a function that already returned
    // (without awaiting the step) is answering, and nothing may run after its answer.
    if (ran.op.op !== "StepRun" || this.done || this.ending) return ran;
    const data = jsonCopy(ran.op.data);
    // Not JSON (a BigInt, a function): answer as without checkpointing rather than checkpoint
    // a value the engine could not store.
    if (data === undefined) return ran;
    const op = { ...ran.op, data: data.value };
    this.buffer.push(op);
    if (this.buffer.length === 1) this.startInterval(call);
    if (call.bufferedSteps === 1) {
      const problem = await this.report();
      if (problem) return problem;
    }
    const memoized = { data: op.data };
    this.memo[step.hashedId] = memoized;
    this.found.splice(this.found.indexOf(step), 1);
    step.resolve(readMemo(step.request, memoized, (err) => this.memoErrors.add(err)));
    return undefined;
  }

  /** Times the buffer's first step: past `maxInterval` the buffer is reported even while the function works outside steps. */
  private startInterval(call: CheckpointCall): void {
    this.bufferedAt = this.deps.now();
    if (call.maxIntervalMs === Infinity) return;
    this.cancelIntervalTimer = this.deps.timer(call.maxIntervalMs, () => {
      void this.report().then((problem) => problem && this.end(problem));
    });
  }

  /**
   * Reports the buffered steps, after the report before it. Resolves with what ends the call
   * when the engine refused (409: the run moved on) or could not be reached: then the call
   * answers the unreported steps itself.
   */
  private report(): Promise<ExecutionResult | undefined> {
    const call = this.checkpoint;
    const previous = this.reporting;
    this.reporting = (async () => {
      const failed = await previous;
      if (failed || !call) return failed;
      this.cancelIntervalTimer?.();
      this.cancelIntervalTimer = undefined;
      const steps = this.buffer.splice(0);
      if (steps.length === 0) return undefined;
      const body = { run_id: call.runId, fn_id: call.fnId, qi_id: call.qiId, steps, ts: this.deps.now(), request_started_at: this.startedAt };
      const outcome = await postCheckpoint(this.deps.engine, body, { sleep: this.deps.sleep, logger: this.options.logger });
      if (outcome === "stale") return { type: "stale-dispatch", error: staleDispatchError(call.runId) };
      if (outcome === "failed") return { type: "steps-found", ops: [...steps, ...this.buffer.splice(0)] };
      return undefined;
    })();
    return this.reporting;
  }

  private retriability(err: unknown): Retriability {
    return retriability(err, { attempt: this.attempt, maxAttempts: this.maxAttempts }, (e) => this.memoErrors.has(e));
  }

}

/** The op that ends a run whose last steps ride in the same answer (`{data}`, so any value survives the engine's unwrapping). */
function runComplete(data: unknown): OutgoingOp {
  return { id: RUN_COMPLETE_ID, op: "RunComplete", data: { data } };
}

/** A `setTimeout` that does not keep the process alive, with its cancel. */
function unrefTimer(ms: number, callback: () => void): () => void {
  const handle = setTimeout(callback, ms);
  handle.unref?.();
  return () => clearTimeout(handle);
}

function planned(step: FoundStep): OutgoingOp {
  return { id: step.hashedId, ...step.request.op };
}

/**
 * The value as the engine will store it (JSON), so user code sees now what a replay would see
 * (a Date becomes its ISO string); undefined when it is not JSON.
 */
function jsonCopy(value: unknown): { value: unknown } | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * `setImmediate` where the runtime has it: `setTimeout(0)` is rounded up to 1 ms by Node and would
 * add a millisecond to every step. Runtimes without it (Workers, browsers) fall back to a timeout.
 */
const nextMacrotask: (callback: () => void) => void =
  typeof setImmediate === "function" ? (callback) => void setImmediate(callback) : (callback) => void setTimeout(callback, 0);
