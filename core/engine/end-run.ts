import { boundedError, type SerializedError } from "../errors";
import type { PayloadRef } from "../model/payload-ref";
import type { RunRecord } from "../model/run";

/** How a run ended. */
export type RunEnding =
  | { status: "Completed"; output: unknown }
  | { status: "Failed"; error: SerializedError }
  | { status: "Cancelled"; reason: string };

/** An ending as the run record keeps it: a large output by reference (see `storableOutput`). */
export type StoredEnding = Exclude<RunEnding, { status: "Completed" }> | { status: "Completed"; output?: unknown; outputRef?: PayloadRef };

/**
 * Writes an ending into a run record (in place): the decision half of finishing a run. Errors
 * are kept within `MAX_ERROR_BYTES` (`boundedError`), so a huge message or stack cannot make
 * the run record too large to write.
 */
export function endRun(run: RunRecord, ending: StoredEnding, now: number): RunRecord {
  run.status = ending.status;
  run.endedAt = now;
  run.pending = {};
  run.parallel = false;
  run.waiting = undefined;
  delete run.discoveryRetry;
  delete run.checkpointedBy;
  if (ending.status === "Completed") {
    if (ending.outputRef) run.outputRef = ending.outputRef;
    else run.output = ending.output;
  }
  if (ending.status === "Failed") run.error = boundedError(ending.error);
  if (ending.status === "Cancelled") run.error = boundedError({ name: "Cancelled", message: ending.reason });
  return run;
}
