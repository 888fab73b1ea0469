import { ConflictError } from "../errors";
import type { FerryEvent } from "../model/event";
import { jobId, type Job } from "../model/job";
import { jsonBytes, type PayloadRef } from "../model/payload-ref";
import type { WaitRecord } from "../model/wait";
import type { EngineDeps } from "./deps";
import type { RunEffect } from "./run-effects";
import { waitMatches, toWireEvent } from "./wire-event";
import { emitEvent, emitStored } from "./emit-event";
import { decideAndWake } from "./decide-elsewhere";
import { payloadValue } from "./payloads";

/**
 * Issues effects, then withdraws the ones a transition made obsolete. Every effect is one
 * idempotent write or one job, and none calls back into a use case: work on another run (a
 * parent to resume, a child to start) goes through a job in that run's own group.
 */
export async function carryOut(deps: EngineDeps, issue: RunEffect[], retract: RunEffect[] = []): Promise<void> {
  // Jobs due now that follow one another go out together (one SQS SendMessageBatch), in order.
  let due: Job[] = [];
  const flush = async () => {
    if (due.length === 0) return;
    const jobs = due;
    due = [];
    if (deps.queue.enqueueAll && jobs.length > 1) await deps.queue.enqueueAll(jobs);
    else for (const job of jobs) await deps.queue.enqueue(job);
  };
  for (const effect of issue) {
    if (effect.type === "job" && !(effect.at !== undefined && effect.at > deps.clock.now())) {
      due.push(effect.job);
      continue;
    }
    await flush();
    await issueEffect(deps, effect);
  }
  await flush();
  for (const effect of retract) await retractEffect(deps, effect);
}

async function issueEffect(deps: EngineDeps, effect: RunEffect): Promise<void> {
  switch (effect.type) {
    case "job":
      if (effect.at !== undefined && effect.at > deps.clock.now()) await deps.timers.schedule({ id: jobId(effect.job), at: effect.at, job: effect.job });
      else await deps.queue.enqueue(effect.job);
      return;
    case "wait":
      await storeWait(deps, effect.wait);
      if (effect.lookBack) await lookBack(deps, effect.wait);
      return;
    case "event": {
      const event = effect.resultRef ? await withResult(deps, effect.event, effect.resultRef) : effect.event;
      if (effect.functionId === undefined) await emitEvent(deps, event);
      else {
        await emitStored(deps, event);
        await deps.queue.enqueue({ type: "route", eventId: event.id, functionId: effect.functionId });
      }
      return;
    }
    case "resume-parent": {
      const { runId, stepId } = effect.parent;
      let memo: unknown = effect.memo;
      if ("dataRef" in effect.memo) {
        // Decided already (a redelivery): no need to read the child's output back only to find that.
        if ((await deps.runs.getStep(runId, stepId))?.memo) return deps.queue.enqueue({ type: "wake", runId, stepId });
        memo = { data: await payloadValue(deps, effect.memo.dataRef, `output of the run invoked by ${runId}/${stepId}`) };
      }
      await decideAndWake(deps, { runId, id: stepId, name: stepId, kind: "invoke" }, memo, "error" in effect.memo ? "Failed" : "Completed");
      return;
    }
    case "release-singleton": {
      const holder = await deps.flow.getState<{ runId: string }>(effect.key);
      if (holder?.value.runId !== effect.runId) return;
      await deps.flow.deleteState(effect.key, holder.version).catch((error: unknown) => {
        // Taken over or released meanwhile: the key is no longer this run's to free.
        if (!(error instanceof ConflictError)) throw error;
      });
      return;
    }
    case "drop-wait":
      await deps.waits.deleteWait(effect.id);
      return;
  }
}

async function retractEffect(deps: EngineDeps, effect: RunEffect): Promise<void> {
  if (effect.type === "job" && effect.at !== undefined) await deps.timers.cancel(jobId(effect.job));
  if (effect.type === "wait") await deps.waits.deleteWait(effect.wait.id);
}

/**
 * A lifecycle event of a run whose output is kept in the PayloadStore: the output goes into
 * `data.result` when the event then stays within `maxEventBytes` (the limit on sent events,
 * which also keeps it far inside a store item, an EventBridge entry and an SQS message);
 * otherwise `data.result` is left out and `data.result_omitted` says how large it was (the run
 * API still shows it). Decided from the sizes alone, so every delivery builds the same event.
 */
async function withResult(deps: EngineDeps, event: FerryEvent, ref: PayloadRef): Promise<FerryEvent> {
  // `,"result":` followed by the output's JSON.
  if (jsonBytes(JSON.stringify(event)) + 10 + ref.bytes > deps.settings.maxEventBytes) {
    const note = `the output (${ref.bytes} bytes) exceeds the event size limit; read it from the run (GET /v1/runs/<run_id>)`;
    return { ...event, data: { ...event.data, result_omitted: { bytes: ref.bytes, reason: note } } };
  }
  return { ...event, data: { ...event.data, result: await payloadValue(deps, ref, `output of run ${String(event.data.run_id)}`) } };
}

/** Stores a wait unless it is stored already (the same record, written by an earlier delivery). */
async function storeWait(deps: EngineDeps, wait: WaitRecord): Promise<void> {
  try {
    await deps.waits.putWait(wait);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

/**
 * The event may have been routed after the SDK produced the wait but before the wait was
 * stored: look back over events of that name since the call started (less the clock skew the
 * engine tolerates between machines). Both sides read one key per event name with strongly
 * consistent reads (the routing lists waits after storing the event; this lists events after
 * storing the wait), so at least one of them sees the other. A match memoizes the step
 * (whoever memoizes first, this, a live event or the timeout, wins) and wakes the run.
 */
async function lookBack(deps: EngineDeps, wait: WaitRecord): Promise<void> {
  for (const event of await deps.events.findEventsSince(wait.event, wait.since - deps.settings.clockSkewMs)) {
    const wire = toWireEvent(event);
    if (!waitMatches(wait, wire)) continue;
    await decideAndWake(deps, { runId: wait.runId, id: wait.stepId, name: wait.stepId, kind: "wait" }, wire, "Completed");
    return;
  }
}
