import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";
import type { EngineDeps } from "../engine/deps";
import { jobId, type Job } from "../model/job";
import type { BacklogStore, FlowStateStore } from "../ports/flow-stores";
import type { RunQueue } from "../ports/queue";
import type { FlowConfig } from "./flow-config";
import { keyValue } from "./flow-keys";
import { mutateFlowState } from "./flow-state";

/** One concurrency limit as it applies to one run: the shared item key and its limit. */
export interface ConcurrencySlot {
  key: string;
  limit: number;
}

/** Leases held on one key: lease id -> expiry. Expired leases are a dead worker's, and are dropped. */
export interface LeaseSet {
  limit: number;
  leases: Record<string, number>;
}

/**
 * The keys a run's steps count against. `fn` scope is per function, `env` and `account` are
 * shared by every function using the same key value; a keyless `account` (or `env`) limit is
 * one limit shared by all such functions. A limit of 0 means "no limit".
 */
export function concurrencySlots(fn: FunctionRecord, flow: FlowConfig, event: FerryEvent): ConcurrencySlot[] {
  return flow.concurrency
    .filter((c) => c.limit > 0)
    .map((c) => {
      const value = keyValue(c.key, event);
      const key = c.scope === "fn" ? `conc:fn:${fn.id}:${value}` : `conc:${c.scope}:${value}`;
      return { key, limit: c.limit };
    });
}

/** Result of trying to take a slot on every key. */
export type Acquired = { ok: true } | { ok: false; blocked: ConcurrencySlot; retryAt: number };

const live = (set: LeaseSet | undefined, now: number) => Object.entries(set?.leases ?? {}).filter(([, expiry]) => expiry > now);

/** Takes a lease on every slot, or none: a run blocked on its second key gives back the first. */
export async function acquireSlots(
  store: FlowStateStore,
  slots: ConcurrencySlot[],
  leaseId: string,
  now: number,
  leaseMs: number,
): Promise<Acquired> {
  const taken: ConcurrencySlot[] = [];
  for (const slot of slots) {
    const result = await mutateFlowState<LeaseSet, Acquired>(store, slot.key, now, (set) => {
      const current = live(set, now);
      if (current.length >= slot.limit && !current.some(([id]) => id === leaseId)) {
        const retryAt = Math.min(...current.map(([, expiry]) => expiry));
        return { write: undefined, result: { ok: false, blocked: slot, retryAt } };
      }
      return { write: { put: { limit: slot.limit, leases: { ...Object.fromEntries(current), [leaseId]: now + leaseMs } } }, result: { ok: true } };
    });
    if (!result.ok) {
      await releaseSlots(store, taken, leaseId, now);
      return result;
    }
    taken.push(slot);
  }
  return { ok: true };
}

/** Gives back a lease on every slot. Returns how many slots are now free per key. */
export async function releaseSlots(store: FlowStateStore, slots: ConcurrencySlot[], leaseId: string, now: number): Promise<Map<string, number>> {
  const free = new Map<string, number>();
  for (const slot of slots) {
    const available = await mutateFlowState<LeaseSet, number>(store, slot.key, now, (set) => {
      const remaining = live(set, now).filter(([id]) => id !== leaseId);
      const write = remaining.length === 0 ? ({ delete: true } as const) : { put: { limit: slot.limit, leases: Object.fromEntries(remaining) } };
      return { write: set ? write : undefined, result: slot.limit - remaining.length };
    });
    free.set(slot.key, available);
  }
  return free;
}

/**
 * Wakes what a key's free capacity allows, and keeps checking while calls stay parked: a lease
 * whose worker died is only given back when it expires, so the next check is set for then.
 */
export async function recheckKey(deps: Pick<EngineDeps, "flow" | "backlog" | "queue" | "timers" | "clock">, key: string): Promise<void> {
  const now = deps.clock.now();
  const woken = await wakeParked(deps.backlog, deps.queue, key, await freeCapacity(deps.flow, key, now));
  if ((await deps.backlog.count(key)) <= woken) return;
  const expiries = live((await deps.flow.getState<LeaseSet>(key))?.value, now).map(([, expiry]) => expiry);
  if (expiries.length === 0) return;
  const recheck = { type: "concurrency-recheck", key } as const;
  await deps.timers.schedule({ id: jobId(recheck), at: Math.min(...expiries), job: recheck });
}

/** How many more leases a key can take right now. */
export async function freeCapacity(store: FlowStateStore, key: string, now: number): Promise<number> {
  const item = await store.getState<LeaseSet>(key);
  if (!item) return Number.POSITIVE_INFINITY;
  return item.value.limit - live(item.value, now).length;
}

/**
 * The backlog entry id of a call that parks: the run's first event id (ties in score go in
 * arrival order: event ids are ULIDs, derived run ids are not monotonic), the call's identity,
 * and, for a call woken from a backlog, the token of that wake. The same job parking again (a
 * redelivery) replaces its entry. A woken call that finds the key full again parks under a new
 * id: the waker that queued it, and any other waker that peeked the same entry, remove that
 * entry by its id afterwards, and must not take the new park with it.
 */
export function backlogEntryId(firstEventId: string, job: Extract<Job, { type: "call" }>): string {
  const woken = job.parked === undefined ? "" : `.w${job.parked}`;
  return `${firstEventId}.${jobId({ ...job, parked: undefined })}${woken}`;
}

/**
 * Moves up to `count` parked jobs of a key back to the queue, best score first. The job is
 * queued before its entry is removed: a crash between them wakes it twice (the second call is
 * dropped as stale or deduplicated by its job id), never zero times. The woken call may run,
 * and park again, before the remove: it then parks under another id (`backlogEntryId`), so
 * the remove by the peeked id cannot take the new park with it.
 */
export async function wakeParked(backlog: BacklogStore, queue: RunQueue, key: string, count: number): Promise<number> {
  if (count <= 0) return 0;
  let woken = 0;
  for (const entry of await backlog.peek(key, Math.min(count, 1000))) {
    await queue.enqueue(entry.job);
    if (await backlog.remove(key, entry.id)) woken++;
  }
  return woken;
}
