import { toMilliseconds, type Duration } from "./duration";
import type { CallRequest } from "./execution-types";

/**
 * Checkpointing: run many steps in one call from the engine, reporting each finished step to the
 * engine's checkpoint API as it goes. `true` (the default) or `{ maxRuntime }` turns it on,
 * `false` off. `maxRuntime` (ms or `"30s"`, default 10 s, `0` for no limit) bounds how long one
 * call keeps starting new steps.
 *
 * @example
 * ```ts
 * ferry.createFunction({ id: "import", triggers: [{ event: "app/import" }], checkpointing: { maxRuntime: "20s" } }, handler);
 * ```
 */
export type CheckpointingOption = boolean | { maxRuntime?: Duration };

/** How long one call keeps starting new steps when nothing says otherwise. */
export const DEFAULT_CHECKPOINT_MAX_RUNTIME_MS = 10_000;

/** Checkpointing as resolved for a function. `maxRuntimeMs` is `Infinity` for no limit. */
export interface CheckpointSettings {
  maxRuntimeMs: number;
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
 * resolveCheckpointing({ maxRuntime: "2s" }, false); // { maxRuntimeMs: 2000 }
 * ```
 */
export function resolveCheckpointing(fnOption: CheckpointingOption | undefined, clientOption: CheckpointingOption | undefined): CheckpointSettings | false {
  const option = fnOption ?? clientOption ?? true;
  if (option === false) return false;
  if (option === true || option.maxRuntime === undefined) return { maxRuntimeMs: DEFAULT_CHECKPOINT_MAX_RUNTIME_MS };
  let ms: number;
  try {
    ms = toMilliseconds(option.maxRuntime);
  } catch (err) {
    throw new Error(`checkpointing.maxRuntime: ${err instanceof Error ? err.message : String(err)}`);
  }
  // 0 means "no limit", as in the official SDK.
  return { maxRuntimeMs: ms > 0 ? ms : Infinity };
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
