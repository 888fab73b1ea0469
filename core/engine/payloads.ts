import { FerryError } from "../errors";
import { jsonBytes, payloadKey, type PayloadRef } from "../model/payload-ref";
import type { FerryEvent } from "../model/event";
import type { RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import type { EngineDeps } from "./deps";

/**
 * A memo ready to store: inline when small, else written to the PayloadStore first (so a memo
 * never names an object that is not there) and referenced.
 */
export async function storableMemo(deps: EngineDeps, runId: string, stepId: string, value: unknown): Promise<NonNullable<StepRecord["memo"]>> {
  const json = JSON.stringify(value ?? null);
  if (fitsInline(json, deps.settings.payloadThresholdBytes)) return { value };
  const bytes = jsonBytes(json);
  if (bytes <= deps.settings.payloadThresholdBytes) return { value };
  const key = payloadKey(`steps/${runId}/${stepId}`, json);
  await deps.payloads.put(key, json);
  return { ref: { key, bytes } };
}

/** UTF-8 takes at most 3 bytes per UTF-16 unit: most values are small enough to skip encoding. */
function fitsInline(json: string, threshold: number): boolean {
  return json.length * 3 <= threshold;
}

/** The memo's value, read from the PayloadStore when it is kept there. */
export async function memoValue(deps: Pick<EngineDeps, "payloads">, memo: NonNullable<StepRecord["memo"]>): Promise<unknown> {
  if (!memo.ref) return memo.value;
  const json = await deps.payloads.get(memo.ref.key);
  if (json === undefined) throw new FerryError(`step output ${memo.ref.key} is missing from the payload store`);
  return JSON.parse(json) as unknown;
}

/** Steps with every referenced memo read back inline (for the SDK's `steps` and the run API). */
export async function resolveMemos(deps: Pick<EngineDeps, "payloads">, steps: StepRecord[]): Promise<StepRecord[]> {
  return Promise.all(steps.map(async (step) => (step.memo?.ref ? { ...step, memo: { value: await memoValue(deps, step.memo) } } : step)));
}

/** A new run's events as the run keeps them: inline when small, else referenced (see RunRecord). */
export async function storableEvents(deps: EngineDeps, runId: string, events: FerryEvent[]): Promise<Pick<RunRecord, "events" | "eventsRef" | "eventIds">> {
  if (events.length < 2) return { events };
  const json = JSON.stringify(events);
  const bytes = jsonBytes(json);
  if (bytes <= deps.settings.payloadThresholdBytes) return { events };
  const key = payloadKey(`runs/${runId}/events`, json);
  await deps.payloads.put(key, json);
  return { events: events.slice(0, 1), eventsRef: { key, bytes }, eventIds: events.map((event) => event.id) };
}

/** Every event of a run, read from the PayloadStore when the run references them. */
export async function runEvents(deps: Pick<EngineDeps, "payloads">, run: RunRecord): Promise<FerryEvent[]> {
  if (!run.eventsRef) return run.events;
  const json = await deps.payloads.get(run.eventsRef.key);
  if (json === undefined) throw new FerryError(`events of run ${run.id} (${run.eventsRef.key}) are missing from the payload store`);
  return JSON.parse(json) as FerryEvent[];
}

/**
 * A run's output as the run keeps it: inline when small, else written to the PayloadStore first
 * (so a run never names an object that is not there; a crash between leaves only an orphan
 * object) and referenced. The key is content-addressed, so a finish delivered again writes the
 * same object and the same record.
 */
export async function storableOutput(deps: EngineDeps, runId: string, output: unknown): Promise<Pick<RunRecord, "output" | "outputRef">> {
  const json = JSON.stringify(output ?? null);
  if (fitsInline(json, deps.settings.payloadThresholdBytes)) return { output };
  const bytes = jsonBytes(json);
  if (bytes <= deps.settings.payloadThresholdBytes) return { output };
  const key = payloadKey(`runs/${runId}/output`, json);
  await deps.payloads.put(key, json);
  return { outputRef: { key, bytes } };
}

/** A value kept in the PayloadStore, read back; `what` names it in the error when it is missing. */
export async function payloadValue(deps: Pick<EngineDeps, "payloads">, ref: PayloadRef, what: string): Promise<unknown> {
  const json = await deps.payloads.get(ref.key);
  if (json === undefined) throw new FerryError(`${what} (${ref.key}) is missing from the payload store`);
  return JSON.parse(json) as unknown;
}

/** A run's output, read from the PayloadStore when the run references it. */
export async function runOutput(deps: Pick<EngineDeps, "payloads">, run: RunRecord): Promise<unknown> {
  return run.outputRef ? payloadValue(deps, run.outputRef, `output of run ${run.id}`) : run.output;
}

/** The run with its output read back inline (for the run API and anything that shows a run). */
export async function resolveRunOutput(deps: Pick<EngineDeps, "payloads">, run: RunRecord): Promise<RunRecord> {
  if (!run.outputRef) return run;
  const { outputRef: _ref, ...rest } = run;
  return { ...rest, output: await runOutput(deps, run) };
}
