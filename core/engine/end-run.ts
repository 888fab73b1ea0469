import type { SerializedError } from "../errors";
import type { RunRecord } from "../model/run";

/** How a run ended. */
export type RunEnding =
  | { status: "Completed"; output: unknown }
  | { status: "Failed"; error: SerializedError }
  | { status: "Cancelled"; reason: string };

/** Writes an ending into a run record (in place): the decision half of finishing a run. */
export function endRun(run: RunRecord, ending: RunEnding, now: number): RunRecord {
  run.status = ending.status;
  run.endedAt = now;
  run.pending = {};
  run.parallel = false;
  run.waiting = undefined;
  delete run.discoveryRetry;
  if (ending.status === "Completed") run.output = ending.output;
  if (ending.status === "Failed") run.error = ending.error;
  if (ending.status === "Cancelled") run.error = { name: "Cancelled", message: ending.reason };
  return run;
}
