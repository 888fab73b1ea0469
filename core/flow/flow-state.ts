import { ConflictError } from "../errors";
import { cloneRecord } from "../model/clone-record";
import type { FlowStateStore } from "../ports/flow-stores";

const MAX_CONFLICT_RETRIES = 100;

/** What a flow-state decision wants written. */
export type FlowWrite<T> = { put: T; expiresAt?: number } | { delete: true } | undefined;

/**
 * Reads one flow item, decides, and writes the decision with a compare-and-set, deciding again
 * on conflict. An item past its `expiresAt` reads as absent (DynamoDB's TTL deletes lazily, so
 * expiry is the core's call, not the store's). `decide` returns the write (undefined = leave
 * as is) and a result for the caller.
 */
export async function mutateFlowState<T, R>(
  store: FlowStateStore,
  key: string,
  now: number,
  decide: (current: T | undefined) => { write: FlowWrite<T>; result: R },
): Promise<R> {
  for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
    const item = await store.getState<T>(key);
    const live = item && (item.expiresAt === undefined || item.expiresAt > now) ? item : undefined;
    const { write, result } = decide(live ? cloneRecord(live.value) : undefined);
    try {
      if (write && "put" in write) await store.putState(key, write.put, item ? item.version : null, write.expiresAt);
      else if (write && "delete" in write && item) await store.deleteState(key, item.version);
      return result;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError(`flow state ${key}: gave up after ${MAX_CONFLICT_RETRIES} conflicting updates`);
}
