import type { CancelOn, Trigger } from "./function-config";
import { durationString } from "./duration";

/** A trigger as registered on the wire. */
export type WireTrigger = { event: string; expression?: string } | { cron: string };

/** A cancellation as registered on the wire. */
export interface WireCancel {
  event: string;
  if?: string;
  timeout?: string;
}

/**
 * Normalizes one trigger or a list of them to the wire shape (`if` becomes `expression`).
 *
 * @example
 * ```ts
 * toWireTriggers({ event: "a", if: "event.data.x > 1" }); // [{ event: "a", expression: "event.data.x > 1" }]
 * ```
 */
export function toWireTriggers(input: Trigger | Trigger[] | undefined): WireTrigger[] {
  const list = input === undefined ? [] : Array.isArray(input) ? input : [input];
  return list.map((t) => {
    if ("cron" in t) return { cron: t.cron };
    if (!t.event) throw new Error("a trigger needs an event name or a cron");
    return t.if ? { event: t.event, expression: t.if } : { event: t.event };
  });
}

/**
 * The CEL expression for a `match` field: `"data.x"` → `"event.data.x == async.data.x"`,
 * combined with an explicit `if` when both are given.
 *
 * @example
 * ```ts
 * matchExpression("data.orderId"); // "event.data.orderId == async.data.orderId"
 * ```
 */
export function matchExpression(match: string | undefined, ifExpr?: string): string | undefined {
  const fromMatch = match ? `event.${match} == async.${match}` : undefined;
  if (fromMatch && ifExpr) return `(${fromMatch}) && (${ifExpr})`;
  return fromMatch ?? ifExpr;
}

/** Converts `cancelOn` entries to the registration's `cancel` list. */
export function toWireCancel(cancelOn: CancelOn[]): WireCancel[] {
  return cancelOn.map((c) => {
    const out: WireCancel = { event: c.event };
    const expr = matchExpression(c.match, c.if);
    if (expr) out.if = expr;
    if (c.timeout !== undefined) out.timeout = typeof c.timeout === "number" ? durationString(c.timeout) : c.timeout;
    return out;
  });
}
