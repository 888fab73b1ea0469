import type { SerializedError } from "../errors";
import type { RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";

/** Notifications of what the engine did, for logs, metrics and live dashboards. Must not throw. */
export interface EngineObserver {
  runStarted?(run: RunRecord): void;
  runFinished?(run: RunRecord): void;
  stepFinished?(run: RunRecord, step: StepRecord): void;
  stepRetrying?(run: RunRecord, step: StepRecord | undefined, error: SerializedError, at: number): void;
  runPaused?(run: RunRecord): void;
  eventReceived?(name: string, id: string): void;
  /** Something went wrong that no caller can be told about (a failed background job). */
  problem?(message: string, error: unknown): void;
}
