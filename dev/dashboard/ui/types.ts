/**
 * The REST API's shapes as the dashboard reads them (see the `/v1` API: runs, events,
 * functions, apps, flow control, live). Fields the server may not send yet are optional, so a
 * page degrades to less detail instead of breaking.
 */

/** The seven phases a run can be listed by. */
export const PHASES = ["queued", "running", "sleeping", "waiting", "completed", "failed", "cancelled"] as const;

/** One of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

/** An error as the engine serializes it. */
export interface ErrorView {
  name?: string;
  message?: string;
  stack?: string;
}

/** Why a live run is not executing right now. */
export type WaitingView =
  | { type: "queued" }
  | { type: "sleeping"; stepId?: string; until?: string | null }
  | { type: "waiting-for-event"; stepId?: string; event?: string; until?: string | null }
  | { type: "invoking"; stepId?: string; childRunId?: string }
  | { type: "retrying"; stepId?: string; attempt?: number; at?: string | null }
  | { type: "concurrency"; key?: string; since?: string | null }
  | { type: "throttled"; until?: string | null };

/** One step of a run. */
export interface StepView {
  id: string;
  name: string;
  kind: "run" | "sleep" | "wait" | "invoke" | string;
  status: string;
  attempts: number;
  output?: unknown;
  error?: ErrorView;
  errors?: { attempt: number; at: string | null; error: ErrorView }[];
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  opts?: Record<string, unknown>;
  child_run_id?: string | null;
}

/** An operation of a run in flight (a sleep, a wait, an invoke, a step being retried). */
export interface PendingView {
  step_id: string;
  name: string;
  kind: "step" | "sleep" | "wait" | "invoke" | string;
  since: string | null;
  until: string | null;
  event?: string;
  expression?: string;
  function_id?: string;
  attempt?: number;
  retry_at?: string | null;
}

/** An event as stored. */
export interface EventView {
  id: string;
  internal_id?: string;
  name: string;
  data: unknown;
  user?: unknown;
  ts?: number | string | null;
  received_at: string | null;
}

/** A run; `steps`, `pending` and `events` come only with a single run. */
export interface RunView {
  run_id: string;
  status: "Running" | "Completed" | "Failed" | "Cancelled" | string;
  phase?: Phase | string;
  output: unknown;
  event_id: string | null;
  function_id: string;
  run_started_at: string | null;
  ended_at: string | null;
  error?: ErrorView;
  app_id: string;
  event_ids?: string[];
  created_at: string | null;
  waiting?: WaitingView;
  replay_of?: string;
  parent_run_id?: string;
  parent_step_id?: string;
  steps?: StepView[];
  pending?: PendingView[];
  events?: EventView[];
}

/** A page of a list. */
export interface Page<T> {
  data: T[];
  next_cursor?: string | null;
}

/** What happened to an event: the runs it started, and why other functions did not run. */
export interface EventOutcome {
  data: RunView[];
  matched?: string[];
  skipped?: { function_id: string; reason: string; at?: string | null; key?: string; superseded_by?: string }[];
  pending?: { function_id: string; reason: string; until?: string | null; batch_size?: number }[];
}

/** A trigger: an event name (with an optional expression) or a cron schedule. */
export type TriggerView = { event: string; expression?: string } | { cron: string };

/** A registered function. */
export interface FunctionView {
  id: string;
  name: string;
  app_id: string;
  triggers: TriggerView[];
  url: string;
  retries?: number;
  active?: boolean;
  config?: Record<string, unknown>;
}

/** A synced app. */
export interface AppView {
  id: string;
  url: string;
  sdk?: string;
  framework?: string | null;
  function_ids?: string[];
  synced_at: string | null;
  last_sync?: { at: string | null; ok: boolean; error?: string };
}

/** The kinds of flow-control state a function can hold. */
export const FLOW_KINDS = ["concurrency", "throttle", "debounce", "rate_limit", "batch", "singleton"] as const;

/** A function's live flow-control state. */
export interface FlowView {
  function_id: string;
  items: { kind: (typeof FLOW_KINDS)[number] | string; key: string; fields: Record<string, string | number | boolean | null> }[];
}
