import type { FunctionRecord } from "../model/app";
import { runPhase, type RunPhase, type RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import { isoTime } from "./iso-time";

/**
 * A run as the REST API shows it: Inngest's v1 fields first, Ferry's additions after. Times are
 * ISO strings, or null where the stored time cannot be shown as a date (see `isoTime`).
 */
export interface RunView {
  run_id: string;
  status: RunRecord["status"];
  /** Finer than `status` for live runs (queued, running, sleeping, waiting); see `runPhase`. */
  phase: RunPhase;
  output: unknown;
  event_id: string | null;
  function_id: string;
  run_started_at: string | null;
  ended_at: string | null;
  error?: unknown;
  app_id: string;
  event_ids: string[];
  created_at: string | null;
  waiting?: unknown;
  replay_of?: string;
  parent_run_id?: string;
  parent_step_id?: string;
  steps?: StepView[];
}

/** One step in a run view. */
export interface StepView {
  id: string;
  name: string;
  kind: StepRecord["kind"];
  status: StepRecord["status"];
  attempts: number;
  output?: unknown;
  error?: unknown;
  errors: { attempt: number; at: string | null; error: unknown }[];
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  opts?: Record<string, unknown>;
  /** Invoke steps: the run the step started, once it exists (set by `toRunDetail`). */
  child_run_id?: string | null;
}

/**
 * Maps a run (and optionally its steps) to the API shape. A run whose output is kept in the
 * PayloadStore (`outputRef`) must be resolved first (`resolveRunOutput`), as steps are with
 * `resolveMemos`.
 */
export function toRunView(run: RunRecord, steps?: StepRecord[], fn?: FunctionRecord): RunView {
  const view: RunView = {
    run_id: run.id,
    status: run.status,
    phase: runPhase(run),
    output: run.output ?? null,
    event_id: run.events[0]?.id ?? null,
    function_id: fn?.id ?? run.functionId,
    run_started_at: isoTime(run.startedAt ?? run.createdAt),
    ended_at: isoTime(run.endedAt),
    app_id: run.appId,
    event_ids: run.eventIds ?? run.events.map((event) => event.id),
    created_at: isoTime(run.createdAt),
  };
  if (run.error) view.error = run.error;
  if (run.waiting) view.waiting = waitingView(run.waiting);
  if (run.replayOf) view.replay_of = run.replayOf;
  if (run.parent) {
    view.parent_run_id = run.parent.runId;
    view.parent_step_id = run.parent.stepId;
  }
  if (steps) view.steps = steps.map(toStepView);
  return view;
}

function waitingView(waiting: NonNullable<RunRecord["waiting"]>): Record<string, unknown> {
  const view: Record<string, unknown> = { ...waiting };
  for (const key of ["until", "at"] as const) {
    const value = view[key];
    if (typeof value === "number") view[key] = isoTime(value);
  }
  return view;
}

/** Maps a step to the API shape, unwrapping `{data}` / `{error}` memo values. */
export function toStepView(step: StepRecord): StepView {
  const memo = step.memo?.value as { data?: unknown; error?: unknown } | null | undefined;
  const view: StepView = {
    id: step.id,
    name: step.displayName ?? step.name,
    kind: step.kind,
    status: step.status,
    attempts: step.attempts,
    errors: step.errors.map((e) => ({ attempt: e.attempt, at: isoTime(e.at), error: e.error })),
    started_at: isoTime(step.startedAt),
    ended_at: isoTime(step.endedAt),
    duration_ms: step.endedAt === undefined ? null : step.endedAt - step.startedAt,
  };
  if (step.opts) view.opts = step.opts;
  if (step.memo) {
    if (step.kind === "run" || step.kind === "invoke") {
      if (memo && typeof memo === "object" && "error" in memo) view.error = memo.error;
      else view.output = memo && typeof memo === "object" && "data" in memo ? memo.data : memo;
    } else view.output = memo ?? null;
  }
  return view;
}
