import { SystemEvents, type FerryEvent } from "../model/event";
import type { FunctionRecord } from "../model/app";
import type { Job } from "../model/job";
import { nextCronTime } from "../triggers/cron";
import { startRun } from "../flow/start-run";
import type { EngineDeps } from "./deps";

/** Timer id of a function's cron trigger. */
export function cronTimerId(functionId: string, cron: string): string {
  return `cron:${functionId}:${cron}`;
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

/** Starts the run a cron trigger is due for, then schedules its next fire. */
export async function fireCron(deps: EngineDeps, job: Extract<Job, { type: "cron" }>): Promise<void> {
  const fn = await deps.catalog.get(job.functionId);
  // A re-sync may have removed the function or this schedule: then the chain simply stops.
  if (!fn?.active || !fn.triggers.some((t) => "cron" in t && t.cron === job.cron)) return;
  const now = deps.clock.now();
  const event: FerryEvent = { id: deps.ids.ulid(), name: SystemEvents.scheduledTimer, data: { cron: job.cron }, user: {}, ts: job.at };
  // The fire time names the tick, so a redelivered job cannot start the same tick twice.
  const tick = `cron:${fn.id}:${job.cron}:${job.at}`;
  if ((await deps.events.claimExternalId(tick, event.id, now, now + deps.settings.eventIdTtl)) === undefined) {
    await deps.events.putEvent({ ...event, receivedAt: now });
    await startRun(deps, fn, [event]);
  }
  const at = nextCronTime(job.cron, Math.max(now, job.at));
  await deps.timers.schedule({ id: cronTimerId(fn.id, job.cron), at, job: { type: "cron", functionId: fn.id, cron: job.cron, at } });
}
