import { code, h, link, type Child } from "../dom";
import { runHref } from "../route";
import type { PendingView, WaitingView } from "../types";
import { formatTime } from "../format";
import { when } from "./when";

/**
 * Why a live run is not executing, as a sentence: "Waiting for a concurrency slot on key X
 * since T", "Sleeping until T", ... The expression of a wait comes from the run's `pending` ops.
 */
export function waitingSentence(waiting: WaitingView, pending: PendingView[] = []): HTMLElement {
  const op = "stepId" in waiting && waiting.stepId ? pending.find((item) => item.step_id === waiting.stepId) : undefined;
  const step: Child = op ? [" (step ", code(op.name || op.step_id), ")"] : "stepId" in waiting && waiting.stepId ? [" (step ", code(waiting.stepId), ")"] : null;
  return h("p", { class: "waiting", "data-testid": "waiting", "data-waiting": waiting.type }, sentence(waiting, op, step));
}

function sentence(waiting: WaitingView, op: PendingView | undefined, step: Child): Child {
  switch (waiting.type) {
    case "queued":
      return "Queued: waiting for the executor to pick it up.";
    case "concurrency":
      return ["Waiting for a concurrency slot on key ", code(waiting.key ?? ""), " since ", when(waiting.since), "."];
    case "throttled":
      return ["Throttled until ", when(waiting.until), "."];
    case "sleeping":
      return ["Sleeping until ", when(waiting.until ?? op?.until), step, "."];
    case "waiting-for-event": {
      const expression = op?.expression;
      return [
        "Waiting for event ",
        code(waiting.event ?? op?.event ?? "?"),
        expression ? [" matching ", code(expression)] : null,
        " until ",
        when(waiting.until ?? op?.until),
        step,
        "; on timeout the step resolves to null.",
      ];
    }
    case "invoking":
      return ["Invoking ", op?.function_id ? code(op.function_id) : "a function", waiting.childRunId ? [": child run ", link(runHref(waiting.childRunId), code(waiting.childRunId))] : null, step, "."];
    case "retrying":
      return ["Retrying", step, ": attempt ", String(waiting.attempt ?? op?.attempt ?? "?"), " at ", when(waiting.at ?? op?.retry_at), "."];
    default:
      return ["Waiting: ", code(JSON.stringify(waiting))];
  }
}

/** A few words for a table cell: "sleeping until 10:04:05", "concurrency slot (key a)". */
export function waitingSummary(waiting: WaitingView | undefined): string {
  if (!waiting) return "";
  const at = (iso: string | null | undefined) => (iso ? formatTime(iso).slice(11) || iso : "?");
  switch (waiting.type) {
    case "queued":
      return "queued";
    case "concurrency":
      return `concurrency slot${waiting.key ? ` (key ${waiting.key})` : ""}`;
    case "throttled":
      return `throttled until ${at(waiting.until)}`;
    case "sleeping":
      return `sleeping until ${at(waiting.until)}`;
    case "waiting-for-event":
      return `event ${waiting.event ?? "?"} until ${at(waiting.until)}`;
    case "invoking":
      return "invoking a child run";
    case "retrying":
      return `retry ${waiting.attempt ?? "?"} at ${at(waiting.at)}`;
    default:
      return (waiting as { type?: string }).type ?? "";
  }
}
