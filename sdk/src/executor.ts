import { serializeError } from "./error-serde";
import type { CallRequest, ExecutionResult, Retriability } from "./execution-types";
import type { FerryFunction } from "./ferry-function";
import { hashStepId, indexedStepId } from "./hash";
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
}

interface FoundStep {
  hashedId: string;
  request: StepRequest;
}

/**
 * Replays a function against its memoized steps and decides what to answer: the function's
 * result, its error, one step's outcome, or the new steps it reached.
 *
 * @example
 * ```ts
 * const result = await execute({ fn, request: body, stepId: "step", logger: console });
 * ```
 */
export function execute(options: ExecuteOptions): Promise<ExecutionResult> {
  return new Execution(options).start();
}

class Execution {
  private readonly memo: Record<string, unknown>;
  private readonly found: FoundStep[] = [];
  private readonly uses = new Map<string, number>();
  private readonly warned = new Set<string>();
  private readonly memoErrors = new WeakSet<Error>();
  private pokes = 0;
  private done = false;
  private deciding = false;
  private resolveResult: (result: ExecutionResult) => void = () => undefined;

  constructor(private readonly options: ExecuteOptions) {
    this.memo = options.request.steps ?? {};
  }

  start(): Promise<ExecutionResult> {
    return new Promise((resolve) => {
      this.resolveResult = resolve;
      const { fn, request, logger } = this.options;
      const event = request.event;
      const events: FerryEvent[] = request.events?.length ? request.events : [event];
      const step = createStepTools((req) => this.register(req), { appId: fn.appId, runId: request.ctx?.run_id ?? "", send: (p) => fn.client.send(p) });
      const ctx = { event, events, step, runId: request.ctx?.run_id ?? "", attempt: this.attempt, logger };
      fn.run(ctx).then(
        (data) => this.finish({ type: "function-resolved", data: data === undefined ? null : data }),
        (err: unknown) => this.finish({ type: "function-rejected", error: serializeError(err), retriable: this.retriability(err) }),
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
    this.found.push({ hashedId, request });
    return new Promise(() => undefined);
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
    if (this.done || this.deciding || this.found.length === 0) return;
    this.deciding = true;
    this.finish(await this.decide());
  }

  private finish(result: ExecutionResult): void {
    if (this.done) return;
    this.done = true;
    this.resolveResult(result);
  }

  private async decide(): Promise<ExecutionResult> {
    const stepId = this.options.stepId;
    if (stepId && stepId !== "step") {
      const target = this.found.find((f) => f.hashedId === stepId);
      if (!target) return { type: "step-not-found", stepId, foundSteps: this.found.map(planned) };
      return target.request.body ? this.runStep(target) : { type: "steps-found", ops: [planned(target)] };
    }
    const only = this.found.length === 1 ? this.found[0] : undefined;
    if (only?.request.body && !this.options.request.ctx?.disable_immediate_execution) return this.runStep(only);
    return { type: "steps-found", ops: this.found.map(planned) };
  }

  private async runStep(step: FoundStep): Promise<ExecutionResult> {
    const base = { id: step.hashedId, name: step.request.op.name, displayName: step.request.displayName, ...(step.request.op.opts ? { opts: step.request.op.opts } : {}) };
    try {
      const data: unknown = await step.request.body?.(step.hashedId);
      return { type: "step-ran", op: { op: "StepRun", ...base, data: data === undefined ? null : data } };
    } catch (err) {
      const retriable = this.retriability(err);
      return { type: "step-ran", op: { op: retriable === false ? "StepFailed" : "StepError", ...base, error: serializeError(err) }, retriable };
    }
  }

  private retriability(err: unknown): Retriability {
    return retriability(err, { attempt: this.attempt, maxAttempts: this.maxAttempts }, (e) => this.memoErrors.has(e));
  }

}

function planned(step: FoundStep): OutgoingOp {
  return { id: step.hashedId, ...step.request.op };
}

/**
 * `setImmediate` where the runtime has it: `setTimeout(0)` is rounded up to 1 ms by Node and would
 * add a millisecond to every step. Runtimes without it (Workers, browsers) fall back to a timeout.
 */
const nextMacrotask: (callback: () => void) => void =
  typeof setImmediate === "function" ? (callback) => void setImmediate(callback) : (callback) => void setTimeout(callback, 0);
