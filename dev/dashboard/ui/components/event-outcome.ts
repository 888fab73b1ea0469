import { code, h, link, muted, type Child } from "../dom";
import { eventHref, runHref } from "../route";
import type { EventOutcome } from "../types";
import { phaseBadge } from "./badges";
import { functionName, type FunctionIndex } from "./functions-index";
import { when } from "./when";

/**
 * What an event led to: the runs it started (links, phases), and for every function that did
 * not run, why: skipped (rate limit, idempotency, debounce, singleton) or pending (debounce,
 * batch). With none of those, whether any function listens to the event name at all.
 */
export function eventOutcome(outcome: EventOutcome, functions: FunctionIndex): HTMLElement {
  const runs = outcome.data ?? [];
  const skipped = outcome.skipped ?? [];
  const pending = outcome.pending ?? [];
  const name = (id: string) => h("strong", null, functionName(functions, id));
  const items: Child[] = [
    runs.map((run) =>
      h("li", { "data-testid": "outcome-run", "data-run-id": run.run_id }, "Started ", h("a", { href: runHref(run.run_id) }, code(run.run_id)), " of ", name(run.function_id), " ", phaseBadge(run)),
    ),
    skipped.map((skip) => h("li", { "data-testid": "outcome-skipped", "data-reason": skip.reason }, name(skip.function_id), ": ", skipSentence(skip))),
    pending.map((item) =>
      h(
        "li",
        { "data-testid": "outcome-pending", "data-reason": item.reason },
        name(item.function_id),
        ": ",
        item.reason === "batch" ? ["batched, ", String(item.batch_size ?? "?"), ` event${item.batch_size === 1 ? "" : "s"} so far; fires at `, when(item.until)] : item.reason === "debounce" ? ["debounced until ", when(item.until)] : [item.reason, " until ", when(item.until)],
        ".",
      ),
    ),
  ];
  const nothing = runs.length === 0 && skipped.length === 0 && pending.length === 0;
  return h(
    "div",
    { class: "outcome", "data-testid": "event-outcome" },
    nothing
      ? outcome.matched && outcome.matched.length === 0
        ? muted("No function is triggered by this event name.")
        : muted("Not routed yet", outcome.matched?.length ? [" (matches ", outcome.matched.map((id, i) => [i ? ", " : "", name(id)]), ")"] : null, ".")
      : h("ul", { class: "outcome-list" }, items),
  );
}

function skipSentence(skip: NonNullable<EventOutcome["skipped"]>[number]): Child {
  switch (skip.reason) {
    case "rate-limited":
      return ["skipped: rate-limited", skip.key ? [" (key ", code(skip.key), ")"] : null, "."];
    case "idempotent-duplicate":
      return ["skipped: deduplicated by idempotency key ", code(skip.key ?? "?"), "."];
    case "debounce-superseded":
      return ["skipped: superseded by a later debounced event", skip.superseded_by ? [" ", link(eventHref(skip.superseded_by), code(skip.superseded_by))] : null, "."];
    case "singleton-running":
      return ["skipped: a singleton run is already running", skip.key ? [" (key ", code(skip.key), ")"] : null, "."];
    default:
      return ["skipped: ", skip.reason, "."];
  }
}
