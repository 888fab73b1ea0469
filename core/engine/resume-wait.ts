import type { FerryEvent } from "../model/event";
import type { WaitRecord } from "../model/wait";
import { completeStep } from "./complete-step";
import type { EngineDeps } from "./deps";

/**
 * Resumes a run whose wait an event matched. Deleting the wait is the claim: of a live event,
 * the look-back at registration and a timeout, exactly one wins.
 */
export async function resumeWait(deps: EngineDeps, wait: WaitRecord, event: FerryEvent | null): Promise<boolean> {
  if (!(await deps.waits.deleteWait(wait.id))) return false;
  await deps.timers.cancel(timeoutTimerId(wait.runId, wait.stepId));
  await completeStep(deps, { runId: wait.runId, id: wait.stepId, name: wait.stepId, kind: "wait" }, event);
  return true;
}

/** Timer id of a wait's or invoke's timeout. */
export function timeoutTimerId(runId: string, stepId: string): string {
  return `timeout:${runId}:${stepId}`;
}
