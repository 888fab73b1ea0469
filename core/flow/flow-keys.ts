import { evaluateKey } from "../expressions/cel";
import type { FunctionRecord } from "../model/app";
import type { FerryEvent } from "../model/event";

/**
 * The value a key expression gives for an event. An expression that fails on the event (the
 * field is missing) yields the empty key: such events share one bucket rather than escaping
 * the limit.
 */
export function keyValue(expression: string | undefined, event: FerryEvent): string {
  if (!expression) return "";
  return evaluateKey(expression, { event }) ?? "";
}

/** Storage key of a function-scoped flow item, e.g. `rate:<fnId>:<user>`. */
export function functionKey(kind: string, fn: FunctionRecord, expression: string | undefined, event: FerryEvent): string {
  return `${kind}:${fn.id}:${keyValue(expression, event)}`;
}
