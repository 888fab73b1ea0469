import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { RunRecord } from "../model/run";
import { waitId } from "../model/wait";
import { ConflictError } from "../errors";
import { evaluateNumber } from "../expressions/cel";
import { createRun, type NewRunOptions } from "../engine/create-run";
import type { EngineDeps } from "../engine/deps";
import { cancelRun } from "../engine/run-controls";
import { storeWait } from "../engine/store-wait";
import { FlowLimits } from "./flow-config";
import { functionKey, keyValue } from "./flow-keys";
import { mutateFlowState } from "./flow-state";
import { reserveThrottleSlot, type ThrottleState } from "./throttle-math";

/** Singleton state: the run that holds the key, and when it claimed it. */
interface SingletonHolder {
  runId: string;
  at: number;
}

/** A claim whose run is not stored yet is being started by another worker for this long. */
const CLAIM_GRACE_MS = 60_000;

/**
 * Starts a run through the start-time flow control: singleton (skip or cancel the holder),
 * priority, throttle (delay the start FIFO, never drop), cancelOn waits and timeouts.
 * Returns undefined when singleton skipped it.
 */
export async function startRun(deps: EngineDeps, fn: FunctionRecord, events: FerryEvent[], options: NewRunOptions = {}): Promise<RunRecord | undefined> {
  const event = events[0] as FerryEvent;
  const flow = fn.flow;
  const now = deps.clock.now();
  const runId = deps.ids.ulid();
  if (flow.singleton && !(await claimSingleton(deps, fn, event, runId))) {
    await deps.skips.putSkip({ eventId: event.id, functionId: fn.id, reason: "singleton-running", at: now, key: keyValue(flow.singleton.key, event) });
    return undefined;
  }
  let startAt = now;
  if (flow.throttle) {
    const { limit, periodMs, burst, key } = flow.throttle;
    startAt = await mutateFlowState<ThrottleState, number>(deps.flow, functionKey("throttle", fn, key, event), now, (state) => {
      const slot = reserveThrottleSlot(state, now, { limit, periodMs, burst });
      return { write: { put: slot.next, expiresAt: slot.next.tat + periodMs }, result: slot.startAt };
    });
  }
  const priority = flow.priority ? clampPriority(evaluateNumber(flow.priority.run, { event }) ?? 0) : undefined;
  const run = await createRun(deps, fn, events, { ...options, id: runId, startAt, priority });
  await registerCancellation(deps, fn, run);
  if (flow.timeouts?.startMs !== undefined) {
    await deps.timers.schedule({ id: `timeout-start:${run.id}`, at: run.createdAt + flow.timeouts.startMs, job: { type: "run-timeout", runId: run.id, kind: "start" } });
  }
  return run;
}

function clampPriority(seconds: number): number {
  return Math.max(-FlowLimits.priorityRange, Math.min(FlowLimits.priorityRange, Math.round(seconds)));
}

function singletonKey(fn: FunctionRecord, event: FerryEvent): string {
  return functionKey("singleton", fn, fn.flow.singleton?.key, event);
}

/**
 * Claims the singleton key for `runId` with a compare-and-set, so of two events racing for a
 * free key exactly one wins. The holder is checked by reading its run: a key whose run ended
 * is free. In `cancel` mode a running holder is cancelled and the key taken over.
 */
async function claimSingleton(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent, runId: string): Promise<boolean> {
  const key = singletonKey(fn, event);
  for (let attempt = 0; attempt < 100; attempt++) {
    const now = deps.clock.now();
    const holder = await deps.flow.getState<SingletonHolder>(key);
    if (holder) {
      const run = await deps.runs.getRun(holder.value.runId);
      const running = run ? run.status === "Running" : now - holder.value.at < CLAIM_GRACE_MS;
      if (running && fn.flow.singleton?.mode === "skip") return false;
      if (running && run) await cancelRun(deps, holder.value.runId, "cancelled by a newer run of a singleton function");
    }
    try {
      await deps.flow.putState<SingletonHolder>(key, { runId, at: now }, holder ? holder.version : null);
      return true;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError(`singleton ${key}: gave up after repeated conflicts`);
}

/** Frees the singleton key when its run ends. */
export async function releaseSingleton(deps: EngineDeps, fn: FunctionRecord, run: RunRecord): Promise<void> {
  if (!fn.flow.singleton) return;
  const key = singletonKey(fn, run.events[0] as FerryEvent);
  const holder = await deps.flow.getState<SingletonHolder>(key);
  if (holder?.value.runId === run.id) await deps.flow.deleteState(key, holder.version).catch(() => undefined);
}

/** Stores one cancel-wait per cancelOn entry, indexed by event name like step waits. */
async function registerCancellation(deps: EngineDeps, fn: FunctionRecord, run: RunRecord): Promise<void> {
  const trigger = run.events[0] as unknown as Record<string, unknown>;
  for (const [index, cancel] of fn.flow.cancel.entries()) {
    const stepId = `cancel:${index}`;
    await storeWait(deps.waits, {
      id: waitId(run.id, stepId),
      runId: run.id,
      stepId,
      kind: "cancel",
      event: cancel.event,
      expression: cancel.if,
      triggerEvent: trigger,
      since: run.createdAt,
      expiresAt: cancel.timeoutMs === undefined ? Number.MAX_SAFE_INTEGER : run.createdAt + cancel.timeoutMs,
    });
  }
}

/** Removes a finished run's cancel-waits so they stop matching events. */
export async function dropCancellation(deps: EngineDeps, fn: FunctionRecord, runId: string): Promise<void> {
  for (const index of fn.flow.cancel.keys()) await deps.waits.deleteWait(waitId(runId, `cancel:${index}`));
}
