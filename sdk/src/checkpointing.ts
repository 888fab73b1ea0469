import { toMilliseconds, type Duration } from "./duration";
import type { CallRequest } from "./execution-types";

/**
 * Checkpointing: run many steps in one call from the engine, reporting finished steps to the
 * engine's checkpoint API as it goes. `true` (the default) or an object turns it on, `false` off.
 *
 * - `maxRuntime` (ms or `"30s"`, default 10 s, `0` for no limit) bounds how long one call keeps
 *   starting new steps.
 * - `bufferedSteps` (default 1) and `maxInterval` (ms or `"1s"`, default none). With 1, a step's
 *   result is stored before the code after it runs. With more, the code goes on while up to that
 *   many results wait in memory; a full buffer, or one whose oldest step is `maxInterval` old, is
 *   reported before the next step runs, and what is left rides in the function's answer. Fewer
 *   reports mean less latency and, on AWS, fewer requests; if the app dies before the report,
 *   those steps run again and may return something else, which the code after them has already
 *   acted on. Buffer only steps whose results can be computed again.
 *
 * @example
 * ```ts
 * ferry.createFunction({ id: "import", triggers: [{ event: "app/import" }], checkpointing: { maxRuntime: "20s" } }, handler);
 * ferry.createFunction({ id: "resize", triggers: [{ event: "app/resize" }], checkpointing: { bufferedSteps: 10, maxInterval: "1s" } }, handler);
 * ```
 */
export type CheckpointingOption = boolean | { maxRuntime?: Duration; bufferedSteps?: number; maxInterval?: Duration };

/** How long one call keeps starting new steps when nothing says otherwise. */
export const DEFAULT_CHECKPOINT_MAX_RUNTIME_MS = 10_000;

/**
 * Checkpointing as resolved for a function. `maxRuntimeMs` is `Infinity` for no limit;
 * `maxIntervalMs` is `Infinity` when only `bufferedSteps` decides when to report.
 */
export interface CheckpointSettings {
  maxRuntimeMs: number;
  bufferedSteps: number;
  maxIntervalMs: number;
}

/** What one call checkpoints with: the settings plus the ids the engine needs in every checkpoint. */
export interface CheckpointCall extends CheckpointSettings {
  runId: string;
  fnId: string;
  qiId: string;
}

/**
 * Resolves a function's checkpointing: its own option, else the client's, else on. Throws on an
 * invalid `maxRuntime`, so a bad config fails at `createFunction` rather than mid-run.
 *
 * @example
 * ```ts
 * resolveCheckpointing({ maxRuntime: "2s" }, false); // { maxRuntimeMs: 2000, bufferedSteps: 1, maxIntervalMs: Infinity }
 * ```
 */
export function resolveCheckpointing(fnOption: CheckpointingOption | undefined, clientOption: CheckpointingOption | undefined): CheckpointSettings | false {
  const option = fnOption ?? clientOption ?? true;
  if (option === false) return false;
  const given = option === true ? {} : option;
  const bufferedSteps = given.bufferedSteps ?? 1;
  if (!Number.isSafeInteger(bufferedSteps) || bufferedSteps < 1) throw new Error(`checkpointing.bufferedSteps: expected a whole number of at least 1, got ${String(bufferedSteps)}`);
  // 0 means "no limit" for both, as in the official SDK.
  return {
    maxRuntimeMs: given.maxRuntime === undefined ? DEFAULT_CHECKPOINT_MAX_RUNTIME_MS : optionMs("maxRuntime", given.maxRuntime),
    bufferedSteps,
    maxIntervalMs: given.maxInterval === undefined ? Infinity : optionMs("maxInterval", given.maxInterval),
  };
}

/** A duration option in ms; 0 is no limit (`Infinity`). */
function optionMs(name: string, value: Duration): number {
  let ms: number;
  try {
    ms = toMilliseconds(value);
  } catch (err) {
    throw new Error(`checkpointing.${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return ms > 0 ? ms : Infinity;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * Whether this call checkpoints, with the same rules as the official SDK: the engine sent its
 * function id and queue item id (so it has the checkpoint API), no specific step was requested,
 * immediate execution is allowed, and it is the first attempt (a retry answers the classic way
 * so the engine sees the step's outcome).
 *
 * @example
 * ```ts
 * const call = checkpointCall(fn.checkpointing, body, url.searchParams.get("stepId") ?? undefined);
 * ```
 */
export function checkpointCall(settings: CheckpointSettings | false, request: CallRequest, stepId: string | undefined): CheckpointCall | undefined {
  const ctx = request.ctx;
  if (!settings || !ctx || (stepId && stepId !== "step")) return undefined;
  if (ctx.disable_immediate_execution || (ctx.attempt ?? 0) !== 0) return undefined;
  if (!nonEmpty(ctx.run_id) || !nonEmpty(ctx.fn_id) || !nonEmpty(ctx.qi_id)) return undefined;
  return { ...settings, runId: ctx.run_id, fnId: ctx.fn_id, qiId: ctx.qi_id };
}
