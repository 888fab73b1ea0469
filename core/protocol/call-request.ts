import type { FerryEvent } from "../model/event";

/** The JSON body of an engine -> SDK call (`POST <serve url>?fnId=..&stepId=..`). */
export interface CallRequestBody {
  event: FerryEvent;
  events: FerryEvent[];
  steps: Record<string, unknown>;
  version: number;
  ctx: {
    /**
     * The function's id, sent only when the engine takes checkpoints: seeing it, SDKs (the
     * official v4 one and ours) run on past the first step and report each finished step to
     * `POST /v1/checkpoint/{runId}/async`, echoing it there. Without it, one step per call.
     */
    fn_id?: string;
    run_id: string;
    env: string;
    step_id: string;
    attempt: number;
    max_attempts: number;
    stack: { stack: string[]; current: number };
    disable_immediate_execution: boolean;
    use_api: boolean;
    qi_id: string;
  };
}

/** Inputs for one call. */
export interface CallRequestInput {
  runId: string;
  env: string;
  events: FerryEvent[];
  steps: Record<string, unknown>;
  stack: string[];
  /** Hashed step id to execute, or undefined for discovery. */
  stepId?: string;
  attempt: number;
  maxAttempts: number;
  disableImmediateExecution: boolean;
  /** Echoed by the SDK in its checkpoints (`qi_id`): names the call that may report steps. */
  queueItemId: string;
  /** The function id to send as `ctx.fn_id` when the SDK may checkpoint; undefined: it may not. */
  checkpointAs?: string;
  /**
   * Leave the memo and the events out (`ctx.use_api`): the SDK fetches them from
   * `GET /v0/runs/{runId}/actions` and `/batch`. The trigger event is still sent.
   */
  useApi?: boolean;
}

/** Builds the call body exactly as SDKs expect it. `version: -1` lets the SDK pick its request version. */
export function buildCallRequest(input: CallRequestInput): CallRequestBody {
  const event = input.events[0];
  if (!event) throw new Error(`run ${input.runId} has no triggering event`);
  return {
    event,
    events: input.useApi ? [] : input.events,
    steps: input.useApi ? {} : input.steps,
    version: -1,
    ctx: {
      ...(input.checkpointAs === undefined ? {} : { fn_id: input.checkpointAs }),
      run_id: input.runId,
      env: input.env,
      step_id: input.stepId ?? "step",
      attempt: input.attempt,
      max_attempts: input.maxAttempts,
      stack: { stack: input.stack, current: input.stack.length },
      disable_immediate_execution: input.disableImmediateExecution,
      use_api: input.useApi === true,
      qi_id: input.queueItemId,
    },
  };
}

/** The `stepId` query value: `step` for discovery, else the hashed id. */
export function callUrl(baseUrl: string, functionId: string, stepId: string | undefined): string {
  const url = new URL(baseUrl);
  url.searchParams.set("fnId", functionId);
  url.searchParams.set("stepId", stepId ?? "step");
  return url.toString();
}
