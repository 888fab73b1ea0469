import { compileExpression } from "../expressions/cel";
import { ValidationError } from "../errors";
import type { FunctionConfig } from "../model/function-config";
import { MAX_DURATION_MS, parseDuration } from "../protocol/durations";

/** Flow control of a function with durations in ms and defaults applied; what the decisions read. */
export interface FlowConfig {
  concurrency: { limit: number; key?: string; scope: "fn" | "env" | "account" }[];
  throttle?: { limit: number; periodMs: number; burst: number; key?: string };
  rateLimit?: { limit: number; periodMs: number; key?: string };
  debounce?: { periodMs: number; key?: string; timeoutMs?: number };
  batch?: { maxSize: number; timeoutMs: number; key?: string; if?: string };
  priority?: { run: string };
  idempotency?: string;
  singleton?: { key?: string; mode: "skip" | "cancel" };
  cancel: { event: string; if?: string; timeoutMs?: number }[];
  timeouts?: { startMs?: number; finishMs?: number };
}

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

/** Keys a function may carry in a registration; anything else is refused, not ignored. */
export const KNOWN_FUNCTION_KEYS = new Set([
  "id", "name", "triggers", "steps", "concurrency", "throttle", "rateLimit", "debounce", "batchEvents",
  "priority", "idempotency", "singleton", "cancel", "timeouts",
]);

/** Limits, as Inngest documents them. */
export const FlowLimits = {
  maxConcurrencyLimits: 2,
  maxCancelOn: 5,
  rateLimitMaxPeriod: DAY,
  debouncePeriod: { min: SECOND, max: 7 * DAY },
  throttlePeriod: { min: SECOND, max: 7 * DAY },
  batchTimeout: { min: SECOND, max: 60 * SECOND },
  batchMaxSize: 1000,
  priorityRange: 600,
  /** Where no tighter range applies (cancel timeouts, timeouts.start/finish): 0 .. 10 years. */
  anyDuration: { min: 0, max: MAX_DURATION_MS },
} as const;

/**
 * Validates a function's flow control and returns it normalized. Throws ValidationError whose
 * message names the function and the field, e.g. `function "app-send": debounce.period ...`.
 */
export function readFlowConfig(functionId: string, raw: Record<string, unknown>): FlowConfig {
  const fail = (field: string, message: string): never => {
    throw new ValidationError(`function ${JSON.stringify(functionId)}: ${field}: ${message}`, field);
  };
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FUNCTION_KEYS.has(key)) fail(key, "unknown option");
  }
  const config = raw as FunctionConfig & Record<string, unknown>;
  const cel = (field: string, source: unknown): string | undefined => {
    if (source === undefined || source === null || source === "") return undefined;
    if (typeof source !== "string") return fail(field, "must be a CEL expression string");
    try {
      compileExpression(source, field);
    } catch (error) {
      fail(field, (error as Error).message.replace(`${field}: `, ""));
    }
    return source;
  };
  // Every duration has a range: a deadline past year 275760 cannot be stored as a date or shown.
  const duration = (field: string, value: unknown, range: { min: number; max: number } = FlowLimits.anyDuration): number => {
    const ms = parseDuration(value);
    // JSON.stringify(Infinity) is "null"; String() names what was sent.
    const shown = typeof value === "number" ? String(value) : JSON.stringify(value);
    if (ms === undefined) return fail(field, `${shown} is not a non-negative duration like "30s", "5m" or "1h"`);
    if (ms < range.min || ms > range.max) fail(field, `must be between ${range.min / SECOND}s and ${range.max / SECOND}s`);
    return ms;
  };
  const positiveInt = (field: string, value: unknown, min = 1): number => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) fail(field, `must be an integer >= ${min}`);
    return value as number;
  };
  const object = (field: string, value: unknown): Record<string, unknown> => {
    if (!value || typeof value !== "object" || Array.isArray(value)) fail(field, "must be an object");
    return value as Record<string, unknown>;
  };

  const flow: FlowConfig = { concurrency: [], cancel: [] };
  const concurrency = config.concurrency;
  if (concurrency !== undefined && concurrency !== null) {
    const list = typeof concurrency === "number" ? [{ limit: concurrency }] : Array.isArray(concurrency) ? concurrency : [concurrency];
    if (list.length > FlowLimits.maxConcurrencyLimits) fail("concurrency", `at most ${FlowLimits.maxConcurrencyLimits} limits`);
    flow.concurrency = list.map((item, i) => {
      const entry = object(`concurrency[${i}]`, item);
      const scope = entry.scope ?? "fn";
      if (scope !== "fn" && scope !== "env" && scope !== "account") fail(`concurrency[${i}].scope`, 'must be "fn", "env" or "account"');
      return { limit: positiveInt(`concurrency[${i}].limit`, entry.limit, 0), key: cel(`concurrency[${i}].key`, entry.key), scope: scope as "fn" };
    });
  }
  if (config.throttle) {
    const t = object("throttle", config.throttle);
    flow.throttle = {
      limit: positiveInt("throttle.limit", t.limit),
      periodMs: duration("throttle.period", t.period, FlowLimits.throttlePeriod),
      burst: t.burst === undefined ? 0 : positiveInt("throttle.burst", t.burst, 0),
      key: cel("throttle.key", t.key),
    };
  }
  if (config.rateLimit) {
    const r = object("rateLimit", config.rateLimit);
    flow.rateLimit = {
      limit: positiveInt("rateLimit.limit", r.limit),
      periodMs: duration("rateLimit.period", r.period, { min: SECOND, max: FlowLimits.rateLimitMaxPeriod }),
      key: cel("rateLimit.key", r.key),
    };
  }
  if (config.debounce) {
    const d = object("debounce", config.debounce);
    const periodMs = duration("debounce.period", d.period, FlowLimits.debouncePeriod);
    const timeoutMs = d.timeout === undefined ? undefined : duration("debounce.timeout", d.timeout, { min: periodMs, max: FlowLimits.debouncePeriod.max });
    flow.debounce = { periodMs, timeoutMs, key: cel("debounce.key", d.key) };
  }
  if (config.batchEvents) {
    const b = object("batchEvents", config.batchEvents);
    flow.batch = {
      maxSize: positiveInt("batchEvents.maxSize", b.maxSize),
      timeoutMs: duration("batchEvents.timeout", b.timeout, FlowLimits.batchTimeout),
      key: cel("batchEvents.key", b.key),
      if: cel("batchEvents.if", b.if),
    };
    if (flow.batch.maxSize > FlowLimits.batchMaxSize) fail("batchEvents.maxSize", `at most ${FlowLimits.batchMaxSize}`);
  }
  if (config.priority) {
    const run = cel("priority.run", object("priority", config.priority).run);
    if (run) flow.priority = { run };
  }
  if (config.idempotency !== undefined && config.idempotency !== null) flow.idempotency = cel("idempotency", config.idempotency);
  if (config.singleton) {
    const s = object("singleton", config.singleton);
    if (s.mode !== "skip" && s.mode !== "cancel") fail("singleton.mode", 'must be "skip" or "cancel"');
    flow.singleton = { key: cel("singleton.key", s.key), mode: s.mode as "skip" };
  }
  if (config.cancel !== undefined && config.cancel !== null) {
    if (!Array.isArray(config.cancel)) fail("cancel", "must be an array");
    if (config.cancel.length > FlowLimits.maxCancelOn) fail("cancel", `at most ${FlowLimits.maxCancelOn} cancellation events`);
    flow.cancel = config.cancel.map((item, i) => {
      const c = object(`cancel[${i}]`, item);
      if (typeof c.event !== "string" || !c.event) fail(`cancel[${i}].event`, "must be an event name");
      return { event: c.event as string, if: cel(`cancel[${i}].if`, c.if), timeoutMs: c.timeout === undefined ? undefined : duration(`cancel[${i}].timeout`, c.timeout) };
    });
  }
  if (config.timeouts) {
    const t = object("timeouts", config.timeouts);
    flow.timeouts = {
      startMs: t.start === undefined ? undefined : duration("timeouts.start", t.start),
      finishMs: t.finish === undefined ? undefined : duration("timeouts.finish", t.finish),
    };
  }
  if (flow.batch) {
    for (const [field, present] of [["cancel", flow.cancel.length > 0], ["debounce", !!flow.debounce], ["singleton", !!flow.singleton], ["priority", !!flow.priority]] as const) {
      if (present) fail(field, "cannot be combined with batchEvents");
    }
  }
  return flow;
}
