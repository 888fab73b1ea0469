import type { EngineDeps } from "../engine/deps";
import type { BatchState } from "../flow/batch";
import type { LeaseSet } from "../flow/concurrency";
import type { DebounceState } from "../flow/debounce";
import { admitRateLimited, type RateLimitState } from "../flow/rate-limit-math";
import type { SingletonHolder } from "../flow/start-run";
import { reserveThrottleSlot, type ThrottleState } from "../flow/throttle-math";
import type { FunctionRecord } from "../model/app";
import { isoTime } from "./iso-time";

/** What a flow-control item shows: its kind, the key value ("" when unkeyed) and a few plain fields. */
export interface FlowItemView {
  kind: "concurrency" | "throttle" | "debounce" | "rate_limit" | "batch" | "singleton";
  key: string;
  fields: Record<string, string | number | boolean | null>;
}

/** Keys listed per kind: a function with 100,000 keys still answers with one page of each. */
export const FLOW_ITEMS_PER_KIND = 100;

/**
 * The live flow-control state of a function, for the dashboard: per key, the concurrency in
 * use and the backlog waiting for it, the throttle's next free start, the rate limit's window,
 * the debounce or batch held and when it fires, the singleton's holder. Read from the same items
 * the engine decides with, so what it shows is what the next event meets.
 */
export async function functionFlow(deps: EngineDeps, fn: FunctionRecord): Promise<FlowItemView[]> {
  const now = deps.clock.now();
  const flow = fn.flow;
  const list = async <T>(prefix: string) => (await deps.flow.listStates<T>(prefix, FLOW_ITEMS_PER_KIND)).map((item) => ({ item, key: item.key.slice(prefix.length) }));
  const views: FlowItemView[] = [];

  for (const limit of flow.concurrency.filter((c) => c.limit > 0)) {
    const prefix = limit.scope === "fn" ? `conc:fn:${fn.id}:` : `conc:${limit.scope}:`;
    for (const { item, key } of await list<LeaseSet>(prefix)) {
      const inUse = Object.values(item.value.leases).filter((expiry) => expiry > now).length;
      views.push({ kind: "concurrency", key, fields: { scope: limit.scope, limit: item.value.limit, in_use: inUse, backlog: await deps.backlog.count(item.key) } });
    }
  }
  if (flow.throttle) {
    const config = flow.throttle;
    for (const { item, key } of await list<ThrottleState>(`throttle:${fn.id}:`)) {
      const next = reserveThrottleSlot(item.value, now, config).startAt;
      views.push({ kind: "throttle", key, fields: { limit: config.limit, period_ms: config.periodMs, burst: config.burst, next_start_at: isoTime(next), throttled: next > now } });
    }
  }
  if (flow.rateLimit) {
    const config = flow.rateLimit;
    for (const { item, key } of await list<RateLimitState>(`rate:${fn.id}:`)) {
      const decision = admitRateLimited(item.value, now, config);
      const inWindow = decision.admitted ? decision.next.buckets.reduce((sum, [, count]) => sum + count, 0) - 1 : config.limit;
      views.push({ kind: "rate_limit", key, fields: { limit: config.limit, period_ms: config.periodMs, in_window: inWindow, full_until: decision.admitted ? null : isoTime(decision.retryAt) } });
    }
  }
  if (flow.debounce) {
    for (const { item, key } of await list<DebounceState>(`debounce:${fn.id}:`)) {
      views.push({ kind: "debounce", key, fields: { event_id: item.value.event.id, first_at: isoTime(item.value.firstAt), fires_at: isoTime(item.value.fireAt) } });
    }
  }
  if (flow.batch) {
    const timeoutMs = flow.batch.timeoutMs;
    for (const { item, key } of await list<BatchState>(`batch:${fn.id}:`)) {
      views.push({ kind: "batch", key, fields: { size: item.value.ids.length, max_size: flow.batch.maxSize, fires_at: isoTime(item.value.firstAt + timeoutMs), closing: Boolean(item.value.closing?.length) } });
    }
  }
  if (flow.singleton) {
    for (const { item, key } of await list<SingletonHolder>(`singleton:${fn.id}:`)) {
      views.push({ kind: "singleton", key, fields: { mode: flow.singleton.mode, run_id: item.value.runId, since: isoTime(item.value.at) } });
    }
  }
  return views;
}
