import { matches } from "../expressions/cel";
import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { EngineDeps } from "../engine/deps";
import { addToBatch } from "./batch";
import { debounceEvent } from "./debounce";
import { functionKey, keyValue } from "./flow-keys";
import { mutateFlowState } from "./flow-state";
import { admitRateLimited, type RateLimitState } from "./rate-limit-math";
import { startRun } from "./start-run";

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * What an event that triggers `fn` becomes, in Inngest's order: a batch member (when it passes
 * the batch's `if`), an idempotency skip, a rate-limit skip, a debounced event, or a run (which
 * singleton, throttle and concurrency shape further). Every event ends in exactly one of these.
 */
export async function admitEvent(deps: EngineDeps, fn: FunctionRecord, event: FerryEvent): Promise<void> {
  const flow = fn.flow;
  const now = deps.clock.now();
  if (flow.batch && (!flow.batch.if || matches(flow.batch.if, { event }))) {
    await addToBatch(deps, fn, event);
    return;
  }
  if (flow.idempotency) {
    const key = functionKey("idempotency", fn, flow.idempotency, event);
    const first = await mutateFlowState<{ eventId: string }, boolean>(deps.flow, key, now, (holder) =>
      holder ? { write: undefined, result: false } : { write: { put: { eventId: event.id }, expiresAt: now + IDEMPOTENCY_WINDOW_MS }, result: true },
    );
    if (!first) {
      await deps.skips.putSkip({ eventId: event.id, functionId: fn.id, reason: "idempotent-duplicate", at: now, key: keyValue(flow.idempotency, event) });
      return;
    }
  }
  if (flow.rateLimit) {
    const { limit, periodMs, key } = flow.rateLimit;
    const admitted = await mutateFlowState<RateLimitState, boolean>(deps.flow, functionKey("rate", fn, key, event), now, (state) => {
      const decision = admitRateLimited(state, now, { limit, periodMs }, event.id);
      return decision.admitted ? { write: { put: decision.next, expiresAt: now + periodMs }, result: true } : { write: undefined, result: false };
    });
    if (!admitted) {
      await deps.skips.putSkip({ eventId: event.id, functionId: fn.id, reason: "rate-limited", at: now, key: keyValue(key, event) });
      return;
    }
  }
  if (flow.debounce) {
    await debounceEvent(deps, fn, event);
    return;
  }
  await startRun(deps, fn, [event]);
}
