import { NotFoundError } from "../errors";
import type { RunRecord } from "../model/run";
import { createRun } from "./create-run";
import type { EngineDeps } from "./deps";
import { finishRun } from "./finish-run";
import { runEvents } from "./payloads";

/**
 * Cancels a live run: no further step starts (a step already executing finishes, its result is
 * dropped), and `inngest/function.cancelled` is emitted. Returns the run as it ends up; a run
 * that already ended is returned unchanged.
 */
export async function cancelRun(deps: EngineDeps, runId: string, reason = "cancelled through the API"): Promise<RunRecord> {
  const run = await deps.runs.getRun(runId);
  if (!run) throw new NotFoundError(`no run with id ${runId}`);
  await finishRun(deps, runId, { status: "Cancelled", reason });
  return (await deps.runs.getRun(runId)) ?? run;
}

/** Starts a new run of the same function with the same events; the original is untouched. */
export async function replayRun(deps: EngineDeps, runId: string): Promise<RunRecord> {
  const run = await deps.runs.getRun(runId);
  if (!run) throw new NotFoundError(`no run with id ${runId}`);
  const fn = await deps.catalog.get(run.functionId);
  if (!fn) throw new NotFoundError(`function ${run.functionId} of run ${runId} is no longer registered`);
  // A replay is a new run each time it is asked for: its id is fresh, not derived.
  return createRun(deps, fn, await runEvents(deps, run), { id: deps.ids.ulid(), replayOf: run.id });
}
