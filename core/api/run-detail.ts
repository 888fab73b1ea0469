import type { EngineDeps } from "../engine/deps";
import { resolveMemos, resolveRunOutput, runEvents } from "../engine/payloads";
import { invokedEventId } from "../engine/run-effects";
import type { PendingOp, RunRecord } from "../model/run";
import type { StepRecord } from "../model/step";
import { toEventView, type EventView } from "./event-view";
import { isoTime } from "./iso-time";
import { toRunView, type RunView, type StepView } from "./run-view";

/** An op a run has started and not finished, as the run page shows it. */
export interface PendingView {
  step_id: string;
  name: string;
  kind: PendingOp["kind"];
  since: string | null;
  /** A sleep's wake-up, a wait's or an invoke's timeout; null when it has none. */
  until: string | null;
  event?: string;
  expression?: string;
  function_id?: string;
  attempt?: number;
  retry_at?: string | null;
}

/** A run with everything its page shows. */
export interface RunDetailView extends RunView {
  steps: StepView[];
  pending: PendingView[];
  events: EventView[];
}

/**
 * Reads a run for its page: steps with memos resolved from the PayloadStore, the ops in flight
 * (what a sleep or a wait is waiting for), the triggering events, and for each invoke step the
 * run it started (found through the derived id of the event it sent). Undefined when no such run.
 */
export async function runDetail(deps: EngineDeps, runId: string): Promise<RunDetailView | undefined> {
  const stored = await deps.runs.getRun(runId);
  if (!stored) return undefined;
  const [run, steps, events] = await Promise.all([resolveRunOutput(deps, stored), deps.runs.listSteps(runId).then((all) => resolveMemos(deps, all)), runEvents(deps, stored)]);
  const view = toRunView(run, steps) as RunDetailView;
  await Promise.all(
    steps.map(async (step, index) => {
      if (step.kind === "invoke") (view.steps[index] as StepView).child_run_id = await childRunId(deps, run, step);
    }),
  );
  view.pending = Object.entries(run.pending).map(([stepId, op]) => pendingView(stepId, op));
  view.events = events.map(toEventView);
  return view;
}

/** The invoked run, by the event the step sent (the step starts when the op does, so its start time is the op's `since`). */
async function childRunId(deps: EngineDeps, run: RunRecord, step: StepRecord): Promise<string | null> {
  const [child] = await deps.runs.listRunsByEvent(invokedEventId(run.id, step.id, step.startedAt));
  return child?.id ?? null;
}

function pendingView(stepId: string, op: PendingOp): PendingView {
  const view: PendingView = { step_id: stepId, name: op.name, kind: op.kind, since: isoTime(op.since), until: isoTime(op.until) };
  if (op.event !== undefined) view.event = op.event;
  if (op.expression !== undefined) view.expression = op.expression;
  if (op.functionId !== undefined) view.function_id = op.functionId;
  if (op.attempt !== undefined) view.attempt = op.attempt;
  if (op.retryAt !== undefined) view.retry_at = isoTime(op.retryAt);
  return view;
}
