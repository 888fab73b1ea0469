import type { EngineDeps } from "../engine/deps";
import { toWireEvent } from "../engine/route-event";
import type { BatchState } from "../flow/batch";
import type { DebounceState } from "../flow/debounce";
import { functionKey } from "../flow/flow-keys";
import type { SkipRecord } from "../ports/flow-stores";
import { isoTime } from "./iso-time";

/** What became of an event for each function it triggered, besides the runs it started. */
export interface EventOutcomes {
  /** Active functions whose triggers match the event; empty says why an event started nothing. */
  matched: string[];
  /** Deliberately not run: rate limit, idempotency, debounce superseded, singleton. */
  skipped: { function_id: string; reason: SkipRecord["reason"]; at: string | null; key?: string; superseded_by?: string }[];
  /** Held by flow control and not run yet. */
  pending: { function_id: string; reason: "debounce" | "batch"; until?: string | null; batch_size?: number }[];
}

/**
 * Explains an event: skips recorded for it, and whether a debounce or a batch still holds it.
 * The pending part is read from the live flow state, so it is exact at the time of asking.
 */
export async function eventOutcomes(deps: EngineDeps, eventId: string): Promise<EventOutcomes | undefined> {
  const stored = await deps.events.getEvent(eventId);
  if (!stored) return undefined;
  const event = toWireEvent(stored);
  const skips = await deps.skips.listSkipsByEvent(eventId);
  const outcomes: EventOutcomes = {
    skipped: skips.map((skip) => ({
      function_id: skip.functionId,
      reason: skip.reason,
      at: isoTime(skip.at),
      ...(skip.key !== undefined ? { key: skip.key } : {}),
      ...(skip.supersededBy ? { superseded_by: skip.supersededBy } : {}),
    })),
    pending: [],
    matched: [],
  };
  const index = await deps.catalog.index();
  for (const { fn } of index.match(event)) {
    if (!outcomes.matched.includes(fn.id)) outcomes.matched.push(fn.id);
    if (fn.flow.debounce) {
      const state = await deps.flow.getState<DebounceState>(functionKey("debounce", fn, fn.flow.debounce.key, event));
      if (state?.value.event.id === eventId) outcomes.pending.push({ function_id: fn.id, reason: "debounce", until: isoTime(state.value.fireAt) });
    }
    if (fn.flow.batch) {
      const state = await deps.flow.getState<BatchState>(functionKey("batch", fn, fn.flow.batch.key, event));
      if (state?.value.ids?.includes(eventId)) {
        outcomes.pending.push({
          function_id: fn.id,
          reason: "batch",
          until: isoTime(state.value.firstAt + fn.flow.batch.timeoutMs),
          batch_size: state.value.ids.length,
        });
      }
    }
  }
  return outcomes;
}
