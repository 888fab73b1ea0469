import { ConflictError } from "../errors";
import type { WaitRecord } from "../model/wait";
import type { WaitStore } from "../ports";

/**
 * Stores a wait unless it is already stored. A job redelivered after a crash starts its ops
 * again; the wait written by the first delivery is the same record, so a conflict means done.
 */
export async function storeWait(waits: WaitStore, wait: WaitRecord): Promise<void> {
  try {
    await waits.putWait(wait);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
