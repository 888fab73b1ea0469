/** A run paused on `step.waitForEvent` (or `step.invoke`'s result), indexed by the event it expects. */
export interface WaitRecord {
  /** `<runId>:<stepId>`: one wait per step. */
  id: string;
  runId: string;
  stepId: string;
  /** `step` resumes a waitForEvent; `cancel` cancels the run (cancelOn). */
  kind?: "step" | "cancel";
  /** Event name that can resume the run. */
  event: string;
  /** CEL over `event` (the run's trigger) and `async` (the incoming event); absent matches any. */
  expression?: string;
  /** The run's triggering event, for `event.*` in the expression. */
  triggerEvent: Record<string, unknown>;
  /** Engine time the SDK call that produced the op started: events since then may match. */
  since: number;
  expiresAt: number;
}

/** Id of the wait for a step. */
export function waitId(runId: string, stepId: string): string {
  return `${runId}:${stepId}`;
}
