import { compileExpression } from "../expressions/cel";
import { ValidationError } from "../errors";
import { DEFAULT_RETRIES, MAX_RETRIES } from "../execution/retry-policy";
import type { AppRecord, FunctionRecord, Trigger } from "../model/app";
import type { ConcurrencyLimit, FunctionConfig } from "../model/function-config";
import { readFlowConfig } from "../flow/flow-config";
import { parseRegistration, type RegisteredFunction } from "../protocol/registration";
import { validateCron } from "../triggers/cron";
import { cronTimerId, scheduleCrons } from "./cron-schedule";
import type { EngineDeps } from "./deps";
import { announceRegistryChange } from "./function-catalog";

/** Result of a sync. */
export interface RegisterResult {
  appId: string;
  /** True when any function was added, changed or removed. */
  modified: boolean;
  functionIds: string[];
}

/**
 * Registers (syncs) an app: validates every function first, so a bad registration changes
 * nothing, then stores the app and its functions, deactivates functions the app no longer
 * lists, bumps the registry version (so catalogs in other processes reload), and
 * (re)schedules cron triggers.
 */
export async function registerApp(deps: EngineDeps, body: unknown): Promise<RegisterResult> {
  const registration = parseRegistration(body);
  const now = deps.clock.now();
  const functions = registration.functions.map((fn, index) => toFunctionRecord(registration.appName, fn, index));
  const seen = new Set<string>();
  for (const fn of functions) {
    if (seen.has(fn.id)) throw new ValidationError(`function id ${JSON.stringify(fn.id)} is registered twice`, "functions");
    seen.add(fn.id);
  }

  const existingApp = await deps.apps.getApp(registration.appName);
  let modified = !existingApp || existingApp.url !== registration.url;
  for (const fn of functions) {
    const existing = await deps.apps.getFunction(fn.id);
    if (existing && existing.active && sameDefinition(existing, fn)) continue;
    modified = true;
    // Before the new definition is stored: a crash in between leaves the old one, and the next
    // sync cancels again. A trigger's timer would otherwise outlive it (on AWS a recurring
    // schedule that fires into nothing forever).
    if (existing?.active) await cancelDroppedCrons(deps, existing, fn);
    await deps.apps.putFunction({ ...fn, version: (existing?.version ?? 0) + 1 }, existing ? existing.version : null);
  }
  for (const oldId of existingApp?.functionIds ?? []) {
    if (seen.has(oldId)) continue;
    const old = await deps.apps.getFunction(oldId);
    if (!old?.active) continue;
    modified = true;
    // Cancelled before the function is marked inactive, which ends the retries of this loop.
    for (const trigger of old.triggers) if ("cron" in trigger) await deps.timers.cancel(cronTimerId(old.id, trigger.cron));
    await deps.apps.putFunction({ ...old, active: false, version: old.version + 1 }, old.version);
  }
  const app: AppRecord = {
    id: registration.appName,
    url: registration.url,
    sdk: registration.sdk ?? "unknown",
    framework: registration.framework,
    functionIds: functions.map((fn) => fn.id),
    syncedAt: now,
    version: (existingApp?.version ?? 0) + 1,
  };
  await deps.apps.putApp(app, existingApp ? existingApp.version : null);
  await announceRegistryChange(deps.apps);
  deps.catalog.invalidate();
  for (const fn of functions) {
    const stored = await deps.catalog.get(fn.id);
    if (stored) await scheduleCrons(deps, stored);
  }
  return { appId: app.id, modified, functionIds: app.functionIds };
}

/** Cancels the cron timers of triggers the new definition of a function no longer has. */
async function cancelDroppedCrons(deps: EngineDeps, existing: FunctionRecord, next: FunctionRecord): Promise<void> {
  const kept = new Set(next.triggers.flatMap((t) => ("cron" in t ? [t.cron] : [])));
  for (const trigger of existing.triggers) if ("cron" in trigger && !kept.has(trigger.cron)) await deps.timers.cancel(cronTimerId(existing.id, trigger.cron));
}

function toFunctionRecord(appId: string, fn: RegisteredFunction, index: number): FunctionRecord {
  const at = `functions[${index}] (${fn.id})`;
  const triggers: Trigger[] = fn.triggers.map((trigger, t) => {
    if ("cron" in trigger && typeof trigger.cron === "string") {
      validateCron(trigger.cron, `${at}.triggers[${t}].cron`);
      return { cron: trigger.cron };
    }
    const { event, expression } = trigger as { event: string; expression?: string | null };
    if (expression) compileExpression(expression, `${at}.triggers[${t}].expression`);
    return expression ? { event, expression } : { event };
  });
  const step = Object.values(fn.steps)[0];
  if (!step) throw new ValidationError(`${at}: no step endpoint in "steps"`, `${at}.steps`);
  const retries = step.retries?.attempts ?? DEFAULT_RETRIES;
  if (retries < 0 || retries > MAX_RETRIES) {
    throw new ValidationError(`${at}.steps.step.retries.attempts must be between 0 and ${MAX_RETRIES}, got ${retries}`, `${at}.retries`);
  }
  const flow = readFlowConfig(fn.id, fn as Record<string, unknown>);
  const { id, name, triggers: _t, steps: _s, concurrency, ...rest } = fn;
  const config: FunctionConfig = { ...(rest as FunctionConfig), concurrency: normalizeConcurrency(concurrency) };
  if (config.concurrency === undefined) delete config.concurrency;
  return { id, appId, name: name ?? id, triggers, url: step.runtime.url, retries, config, flow, version: 0, active: true };
}

function normalizeConcurrency(value: RegisteredFunction["concurrency"]): ConcurrencyLimit[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return [{ limit: value }];
  return (Array.isArray(value) ? value : [value]) as ConcurrencyLimit[];
}

function sameDefinition(a: FunctionRecord, b: FunctionRecord): boolean {
  return JSON.stringify([a.name, a.triggers, a.url, a.retries, a.config]) === JSON.stringify([b.name, b.triggers, b.url, b.retries, b.config]);
}
