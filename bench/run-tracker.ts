import type { EngineObserver, RunRecord } from "../core";

/** A finished run as the harness reports it: engine timestamps plus the local finish time. */
export interface FinishedRun {
  status: RunRecord["status"];
  createdAt: number;
  endedAt?: number;
  /** `performance.now()` when the engine's `runFinished` observer fired. */
  observedAt: number;
}

/** Longest a run may take before the benchmark gives up on it and fails. */
const RUN_TIMEOUT_MS = 120_000;

interface Waiter {
  resolve(run: FinishedRun): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Tells when runs finish, by wrapping the engine's `runFinished` observer and matching the
 * `data.seq` of each run's first event. Finishing is timed in process, without polling, and a
 * waiter registered before its event is sent cannot miss the end of the run.
 */
export class RunTracker {
  private readonly waiters = new Map<number, Waiter>();

  constructor(observer: EngineObserver) {
    const original = observer.runFinished?.bind(observer);
    observer.runFinished = (run: RunRecord): void => {
      const observedAt = performance.now();
      original?.(run);
      const seq = run.events[0]?.data.seq;
      const waiter = typeof seq === "number" ? this.waiters.get(seq) : undefined;
      if (!waiter) return;
      this.waiters.delete(seq as number);
      clearTimeout(waiter.timer);
      if (run.status === "Completed") waiter.resolve({ status: run.status, createdAt: run.createdAt, endedAt: run.endedAt, observedAt });
      else waiter.reject(new Error(`run for seq ${String(seq)} ended ${run.status}`));
    };
  }

  /**
   * Resolves when the run started by the event tagged `seq` completes. Rejects if it ends
   * otherwise, or has not ended within two minutes (so a lost run fails the benchmark instead of
   * hanging it). Call it before sending the event.
   */
  waitFor(seq: number): Promise<FinishedRun> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(seq);
        reject(new Error(`run for seq ${seq} did not finish within ${RUN_TIMEOUT_MS / 1000} s`));
      }, RUN_TIMEOUT_MS);
      this.waiters.set(seq, { resolve, reject, timer });
    });
  }
}
