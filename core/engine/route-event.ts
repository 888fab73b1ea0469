import type { FerryEvent, StoredEvent } from "../model/event";
import type { ParentLink } from "../model/run";
import type { WaitRecord } from "../model/wait";
import { admitEvent } from "../flow/admit-event";
import { startRun } from "../flow/start-run";
import { completeStep } from "./complete-step";
import type { EngineDeps } from "./deps";
import { cancelRun } from "./run-controls";
import { convergeRun } from "./run-transition";
import { decideAndWake } from "./decide-elsewhere";
import { toWireEvent, waitMatches } from "./wire-event";

export { toWireEvent, waitMatches } from "./wire-event";

/**
 * Everything a stored event can cause: runs of the functions it triggers (through flow
 * control), resumed runs that were waiting for it, and cancelled runs whose cancelOn it
 * matches. Every part converges, so routing the same event again changes nothing that was
 * done and finishes anything a stopped attempt left undone. With `functionId`, the event
 * starts that one function only (`step.invoke`).
 */
export async function routeEvent(deps: EngineDeps, event: FerryEvent | StoredEvent, functionId?: string): Promise<void> {
  const wire = toWireEvent(event);
  if (functionId !== undefined) return startInvoked(deps, wire, functionId);
  const index = await deps.catalog.index();
  for (const { fn } of index.match(wire)) await admitEvent(deps, fn, wire);
  const now = deps.clock.now();
  for (const wait of await deps.waits.listWaitsByEvent(wire.name)) {
    if (!waitMatches(wait, wire)) continue;
    if (wait.kind === "cancel") {
      if (wait.expiresAt > now) await cancelFor(deps, wait, wire);
    } else if (!(await completeStep(deps, { runId: wait.runId, id: wait.stepId, name: wait.stepId, kind: "wait" }, wire))) {
      // The step was decided already (a timeout, an earlier event, or this event before a
      // crash). Its wait is withdrawn last by that decision's transition, so a wait still here
      // means the transition may have stopped halfway: finish it, which withdraws the wait.
      await convergeRun(deps, wait.runId);
      await deps.waits.deleteWait(wait.id);
    }
  }
}

/** cancelOn matched. A cancel-wait that outlived its run marks an ending cut short: finish it. */
async function cancelFor(deps: EngineDeps, wait: WaitRecord, event: FerryEvent): Promise<void> {
  const run = await deps.runs.getRun(wait.runId);
  if (!run) await deps.waits.deleteWait(wait.id);
  else if (run.status === "Running") await cancelRun(deps, run.id, `cancelled by event ${event.name} (${event.id})`);
  else await convergeRun(deps, run.id);
}

/** Starts the child run of a `step.invoke`, or fails the invoking step when there is no such function. */
async function startInvoked(deps: EngineDeps, event: FerryEvent, functionId: string): Promise<void> {
  const parent = parentOf(event);
  const fn = await deps.catalog.get(functionId);
  if (fn) {
    await startRun(deps, fn, [event], parent ? { parent } : {});
    return;
  }
  if (!parent) return;
  const error = { name: "Error", message: `step.invoke: no function with id ${JSON.stringify(functionId)} is registered` };
  await decideAndWake(deps, { runId: parent.runId, id: parent.stepId, name: parent.stepId, kind: "invoke" }, { error }, "Failed");
}

/** The invoking run and step, from the `_inngest` block of a `function.invoked` event. */
function parentOf(event: FerryEvent): ParentLink | undefined {
  const meta = event.data._inngest as { source_run_id?: unknown; source_step_id?: unknown } | undefined;
  return typeof meta?.source_run_id === "string" && typeof meta.source_step_id === "string" ? { runId: meta.source_run_id, stepId: meta.source_step_id } : undefined;
}
