import type { FunctionRecord } from "../model/app";
import { derivedUlid, ulidTime } from "../model/derived-id";
import type { FerryEvent } from "../model/event";
import type { RunRecord } from "../model/run";
import { ConflictError } from "../errors";
import { evaluateNumber } from "../expressions/cel";
import { createRun, type NewRunOptions } from "../engine/create-run";
import type { EngineDeps } from "../engine/deps";
import { finishRun } from "../engine/finish-run";
import { convergeRun } from "../engine/run-transition";
import { FlowLimits } from "./flow-config";
import { functionKey, keyValue } from "./flow-keys";
import { mutateFlowState } from "./flow-state";
import { singletonKey } from "./singleton-key";
import { reserveThrottleSlot, type ThrottleState } from "./throttle-math";

/** Singleton state: the run that holds the key, and when it claimed it. */
export interface SingletonHolder {
  runId: string;
  at: number;
}

/** A claim whose run is not stored yet is being started by another worker for this long. */
const CLAIM_GRACE_MS = 60_000;

/**
 * The id of the run `events` start for `fn`: derived from the first event (or the batch or
 * debounce window), so routing the same event twice finds the same run instead of a second.
 */
export function runIdFor(fn: FunctionRecord, events: FerryEvent[], window?: "batch" | "debounce"): string {
  const first = events[0] as FerryEvent;
  return derivedUlid(ulidTime(first.id) || first.ts, window ?? "run", fn.id, first.id);
}

/** How a run is started through flow control. */
export type StartOptions = Partial<Omit<NewRunOptions, "startAt" | "priority">>;

/**
 * Starts a run through the start-time flow control: singleton (skip, or cancel the holder),
 * priority and throttle (delay the start FIFO, never drop). A start that was decided before
 * (the run exists) is not decided again: the run's follow-up work is re-derived instead.
 * Returns undefined when singleton skipped it.
 */
export async function startRun(deps: EngineDeps, fn: FunctionRecord, events: FerryEvent[], options: StartOptions = {}): Promise<RunRecord | undefined> {
  const event = events[0] as FerryEvent;
  const flow = fn.flow;
  const now = deps.clock.now();
  const runId = options.id ?? runIdFor(fn, events);
  if (flow.singleton || flow.throttle) {
    // These decisions consume shared state: take them once per run, not once per delivery.
    if (await deps.runs.getRun(runId)) return convergeRun(deps, runId);
  }
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
  return createRun(deps, fn, events, { ...options, id: runId, startAt, priority });
}

function clampPriority(seconds: number): number {
  return Math.max(-FlowLimits.priorityRange, Math.min(FlowLimits.priorityRange, Math.round(seconds)));
}

/**
 * Claims the singleton key for `runId` with a compare-and-set, so of two events racing for a
 * free key exactly one wins; a key this run holds already is its own. The holder is checked by
 * reading its run: a key whose run ended is free. In `cancel` mode a running holder is
 * cancelled and the key taken over.
 */
async function claimSingleton(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent, runId: string): Promise<boolean> {
  const key = singletonKey(fn, event);
  for (let attempt = 0; attempt < 100; attempt++) {
    const now = deps.clock.now();
    const holder = await deps.flow.getState<SingletonHolder>(key);
    if (holder?.value.runId === runId) return true;
    if (holder) {
      const run = await deps.runs.getRun(holder.value.runId);
      const running = run ? run.status === "Running" : now - holder.value.at < CLAIM_GRACE_MS;
      if (running && fn.flow.singleton?.mode === "skip") return false;
      if (running && run) await finishRun(deps, run.id, { status: "Cancelled", reason: "cancelled by a newer run of a singleton function" });
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
