import { ConflictError } from "../errors";
import { cloneRecord } from "../model/clone-record";
import { isTerminal, type RunRecord } from "../model/run";
import type { EngineDeps } from "./deps";

const MAX_CONFLICT_RETRIES = 50;

/** A run after `mutateRun`: as written (with the state it replaced) or as found. */
export interface RunMutation<T> {
  run: RunRecord;
  result?: T;
  changed: boolean;
  /** The state the write replaced; present when `changed`. */
  previous?: RunRecord;
}

/**
 * Applies `decide` to the latest run and writes the result with a compare-and-set on its
 * version, re-reading and deciding again when another worker won the race. `decide` returns
 * undefined to leave the run as it is. Terminal runs are never changed. Returns the run as
 * written (or as found when unchanged), with whatever `decide` attached to it via `result`.
 *
 * `justRead` is the run as the caller read it a moment ago: the first attempt decides on it
 * instead of reading again (one read fewer; on DynamoDB a round trip and a read unit). Pass it
 * only when little can have happened since: a stale copy costs a failed write and a re-read.
 */
export async function mutateRun<T>(
  deps: EngineDeps,
  runId: string,
  decide: (run: RunRecord) => { run: RunRecord; result: T } | undefined,
  justRead?: RunRecord,
): Promise<RunMutation<T> | undefined> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const current = attempt === 0 && justRead?.id === runId ? justRead : await deps.runs.getRun(runId);
    if (!current) return undefined;
    if (isTerminal(current.status)) return { run: current, changed: false };
    const decision = decide(cloneRecord(current));
    if (!decision) return { run: current, changed: false };
    const next = { ...decision.run, version: current.version + 1 };
    try {
      await deps.runs.putRun(next, current.version);
      return { run: next, result: decision.result, changed: true, previous: current };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError(`run ${runId}: gave up after ${MAX_CONFLICT_RETRIES} conflicting updates`);
}
