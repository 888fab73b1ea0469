import { matches } from "../expressions/cel";
import type { FerryEvent } from "../model/event";
import type { FunctionRecord } from "../model/app";

/** A function whose trigger an event satisfied. */
export interface TriggerMatch {
  fn: FunctionRecord;
  /** Index of the trigger that matched, for logs. */
  triggerIndex: number;
}

/**
 * Finds the functions an event triggers: exact names by map lookup, `prefix/*` wildcards by
 * prefix, then each trigger's optional CEL `expression` with the event bound to `event`.
 * Built once per registry change; matching is on the ingest hot path.
 */
export class TriggerIndex {
  private readonly exact = new Map<string, { fn: FunctionRecord; index: number }[]>();
  private readonly wildcards: { prefix: string; fn: FunctionRecord; index: number }[] = [];

  constructor(functions: readonly FunctionRecord[]) {
    for (const fn of functions) {
      if (!fn.active) continue;
      fn.triggers.forEach((trigger, index) => {
        if (!("event" in trigger)) return;
        if (trigger.event.endsWith("*")) {
          this.wildcards.push({ prefix: trigger.event.slice(0, -1), fn, index });
        } else {
          const list = this.exact.get(trigger.event) ?? [];
          list.push({ fn, index });
          this.exact.set(trigger.event, list);
        }
      });
    }
  }

  /** Functions triggered by the event; a function appears once even if several triggers match. */
  match(event: FerryEvent): TriggerMatch[] {
    const candidates = [...(this.exact.get(event.name) ?? []), ...this.wildcards.filter((w) => event.name.startsWith(w.prefix))];
    const seen = new Set<string>();
    const result: TriggerMatch[] = [];
    for (const { fn, index } of candidates) {
      if (seen.has(fn.id)) continue;
      const trigger = fn.triggers[index];
      const expression = trigger && "event" in trigger ? trigger.expression : undefined;
      if (expression && !matches(expression, { event })) continue;
      seen.add(fn.id);
      result.push({ fn, triggerIndex: index });
    }
    return result;
  }
}
