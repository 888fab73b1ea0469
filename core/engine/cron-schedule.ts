import { SystemEvents, type FerryEvent } from "../model/event";
import type { FunctionRecord } from "../model/app";
import { derivedUlid, stableHash } from "../model/derived-id";
import type { Job } from "../model/job";
import { nextCronTime } from "../triggers/cron";
import { startRun } from "../flow/start-run";
import type { EngineDeps } from "./deps";
import { emitStored } from "./emit-event";

/** Timer id of a function's cron trigger (one per trigger, replaced on every tick and sync). */
export function cronTimerId(functionId: string, cron: string): string {
  return `cron.${stableHash([functionId, cron], 40)}`;
}

/** Schedules the next fire of every cron trigger of a function. */
export async function scheduleCrons(deps: EngineDeps, fn: FunctionRecord): Promise<void> {
  const now = deps.clock.now();
  for (const trigger of fn.triggers) {
    if (!("cron" in trigger)) continue;
    const at = nextCronTime(trigger.cron, now);
    await deps.timers.schedule({ id: cronTimerId(fn.id, trigger.cron), at, job: { type: "cron", functionId: fn.id, cron: trigger.cron, at } });
  }
}

/**
 * Starts the run a cron trigger is due for, then schedules its next fire. The tick's event and
 * run ids derive from the fire time, so a tick delivered twice starts one run.
 */
export async function fireCron(deps: EngineDeps, job: Extract<Job, { type: "cron" }>): Promise<void> {
  const fn = await deps.catalog.get(job.functionId);
  // A re-sync may have removed the function or this schedule: then the chain simply stops.
  if (!fn?.active || !fn.triggers.some((t) => "cron" in t && t.cron === job.cron)) return;
  const now = deps.clock.now();
  const event: FerryEvent = { id: derivedUlid(job.at, "cron", fn.id, job.cron, String(job.at)), name: SystemEvents.scheduledTimer, data: { cron: job.cron }, user: {}, ts: job.at };
  await emitStored(deps, event);
  await startRun(deps, fn, [event]);
  const at = nextCronTime(job.cron, Math.max(now, job.at));
  await deps.timers.schedule({ id: cronTimerId(fn.id, job.cron), at, job: { type: "cron", functionId: fn.id, cron: job.cron, at } });
}
