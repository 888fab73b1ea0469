import { code, h, link, type Child } from "../dom";
import { formatDuration } from "../format";
import { jsonView } from "../json-view";
import { runHref } from "../route";
import type { PendingView, StepView } from "../types";
import { errorBlock } from "./error-block";
import { when } from "./when";

/**
 * The expanded part of a timeline row: timing, what a sleep/wait/invoke is waiting for, every
 * failed attempt with its stack, the output, and the options as the SDK sent them.
 */
export function stepDetail(step: StepView, op: PendingView | undefined): HTMLElement {
  const opts = step.opts ?? {};
  const text = (key: string): string | undefined => (typeof opts[key] === "string" ? (opts[key] as string) : undefined);
  const facts: [string, Child][] = [
    ["Step id", code(step.id)],
    ["Kind", step.kind],
    ["Status", step.status],
    ["Attempts", String(step.attempts ?? 0)],
    ["Started", step.started_at ? when(step.started_at) : null],
    ["Ended", step.ended_at ? when(step.ended_at) : null],
    ["Duration", formatDuration(step.duration_ms)],
  ];
  if (step.kind === "sleep") {
    facts.push(["Sleeps for", text("duration") ?? null], [step.ended_at ? "Woke up" : "Wakes up at", op?.until ? when(op.until) : step.ended_at ? when(step.ended_at) : null]);
  }
  if (step.kind === "wait") {
    facts.push(
      ["Awaited event", text("event") ?? op?.event ? code((text("event") ?? op?.event) as string) : null],
      ["Expression", (text("if") ?? text("expression") ?? op?.expression) ? code((text("if") ?? text("expression") ?? op?.expression) as string) : null],
      ["Timeout", text("timeout") ?? null],
      ["Gives up at", op?.until ? when(op.until) : null],
    );
  }
  if (step.kind === "invoke") {
    const fn = text("function_id") ?? op?.function_id;
    facts.push(["Function", fn ? code(fn) : null], ["Child run", step.child_run_id ? link(runHref(step.child_run_id), code(step.child_run_id)) : null]);
  }
  if (op?.retry_at) facts.push(["Next attempt", when(op.retry_at)]);

  const errors = step.errors ?? [];
  return h(
    "div",
    { class: "step-detail", "data-testid": "step-detail" },
    h(
      "dl",
      { class: "facts" },
      facts.filter(([, value]) => value !== null && value !== "").map(([label, value]) => [h("dt", null, label), h("dd", null, value)]),
    ),
    step.kind === "invoke" && opts.payload !== undefined ? section("Payload", jsonView(opts.payload, { label: "Invoke payload" })) : null,
    errors.length
      ? section(
          `Failed attempts (${errors.length})`,
          // `attempt` counts from 0 on the wire; people count from 1.
          h("ol", { class: "attempts" }, errors.map((item) => h("li", { "data-testid": "attempt-error" }, h("p", null, `Attempt ${item.attempt + 1} at `, when(item.at)), errorBlock(item.error)))),
        )
      : null,
    // The last attempt's error is the step's own; it is listed above only when it was retried.
    step.error && !errors.some((item) => item.attempt + 1 === step.attempts) ? section(errors.length ? "Final error" : "Error", errorBlock(step.error)) : null,
    step.output !== undefined ? section("Output", jsonView(step.output, { label: `Output of ${step.name}` })) : null,
    Object.keys(opts).length ? section("Options", jsonView(opts, { label: "Step options" })) : null,
  );
}

function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "step-section" }, h("h4", null, title), ...children);
}
