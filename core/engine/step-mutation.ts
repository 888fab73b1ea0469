import { ConflictError } from "../errors";
import { cloneRecord } from "../model/clone-record";
import type { StepKind, StepRecord } from "../model/step";
import type { EngineDeps } from "./deps";
import { storableMemo } from "./payloads";

const MAX_CONFLICT_RETRIES = 50;

/**
 * Creates or updates one step with a compare-and-set, re-reading on conflict. `update` gets the
 * stored step (or undefined) and returns the new record, or undefined to leave it alone.
 * Returns the step as it now stands.
 *
 * `likelyNew`: the step most probably has no record yet (a step the SDK ran inline), so the
 * first attempt decides on "absent" and writes create-if-absent without reading; a step that
 * exists fails that write and is read as usual. Saves a read per step (on DynamoDB a round trip
 * and a read unit); a wrong guess costs a failed conditional write, so only guess where a
 * record is rare.
 */
export async function mutateStep(
  deps: EngineDeps,
  runId: string,
  stepId: string,
  update: (existing: StepRecord | undefined) => StepRecord | undefined,
  likelyNew = false,
): Promise<{ step: StepRecord | undefined; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const existing = attempt === 0 && likelyNew ? undefined : await deps.runs.getStep(runId, stepId);
    const next = update(existing ? cloneRecord(existing) : undefined);
    if (!next) return { step: existing, changed: false };
    const written = { ...next, version: existing ? existing.version + 1 : 1 };
    try {
      await deps.runs.putStep(written, existing ? existing.version : null);
      return { step: written, changed: true };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError(`step ${runId}/${stepId}: gave up after ${MAX_CONFLICT_RETRIES} conflicting updates`);
}

/** Identity of a step for creating its record when the first thing we learn is its result. */
export interface StepIdentity {
  runId: string;
  id: string;
  name: string;
  displayName?: string;
  kind: StepKind;
  opts?: Record<string, unknown>;
}

/** A fresh step record. */
export function newStep(identity: StepIdentity, status: StepRecord["status"], now: number): StepRecord {
  return { ...identity, status, attempts: 0, errors: [], startedAt: now, version: 0 };
}

/** How a memo is written: see `memoizeStep`. */
export interface MemoOptions {
  /** Attempts the step took, when the caller knows (else at least 1). */
  attempts?: number;
  /** When a step with no record yet began (else now). */
  startedAt?: number;
  /** The step most probably has no record yet: see `mutateStep`. */
  likelyNew?: boolean;
}

/**
 * Writes a step's final memo value exactly once (a large one through the PayloadStore). Returns the step when this call wrote it, or
 * undefined when the step was already done, so a duplicate delivery (or a late timeout racing a
 * resume) changes nothing.
 */
export async function memoizeStep(
  deps: EngineDeps,
  identity: StepIdentity,
  memo: unknown,
  status: "Completed" | "Failed",
  { attempts, startedAt, likelyNew }: MemoOptions = {},
): Promise<StepRecord | undefined> {
  const now = deps.clock.now();
  const stored = await storableMemo(deps, identity.runId, identity.id, memo);
  const { step, changed } = await mutateStep(deps, identity.runId, identity.id, (existing) => {
    if (existing?.memo) return undefined;
    // A step the SDK ran inline (immediate execution) has no record yet: it began with the call.
    const base = existing ?? newStep(identity, status, startedAt ?? now);
    return { ...base, status, memo: stored, endedAt: now, attempts: attempts ?? Math.max(base.attempts, 1) };
  }, likelyNew);
  return changed ? step : undefined;
}
