import { h } from "../dom";
import { formatDuration, timeOf } from "../format";
import type { PendingView, RunView, StepView } from "../types";
import { stepStatusBadge } from "./badges";
import { stepDetail } from "./step-detail";

/** The narrowest bar drawn, in percent of the run, so an instant step stays visible. */
const MIN_WIDTH = 0.5;

/** A drawn timeline; `tick` moves "now" (the end of running bars) without rebuilding rows. */
export interface Timeline {
  element: HTMLElement;
  tick(now: number): void;
}

interface Row {
  step: StepView;
  op?: PendingView;
}

/**
 * The run as a waterfall: one row per step, its bar placed between the run's start and its
 * latest end (now, while running), as wide as the step took. Each row is a button that expands
 * the step's details; `expanded` holds the open step ids across live refreshes.
 */
export function timeline(run: RunView, expanded: Set<string>, now = Date.now()): Timeline {
  const rows = stepsWithPending(run);
  if (rows.length === 0) return { element: h("p", { class: "muted" }, "No steps yet."), tick: () => undefined };
  const bars: { bar: HTMLElement; duration: HTMLElement }[] = [];
  const element = h(
    "ol",
    { class: "timeline", "data-testid": "timeline", "aria-label": "Steps" },
    rows.map((row, index) => {
      const { step, op } = row;
      const open = expanded.has(step.id);
      const detailId = `step-detail-${index}`;
      const bar = h("span", { class: `bar kind-${step.kind.replace(/[^a-z]/g, "")} status-${step.status.toLowerCase().replace(/[^a-z]/g, "")}` });
      const duration = h("span", { class: "step-duration" });
      bars.push({ bar, duration });
      const button = h(
        "button",
        { type: "button", class: "step-toggle", "aria-expanded": String(open), "aria-controls": detailId, "data-key": `step:${step.id}`, "data-testid": "step-toggle" },
        h("span", { class: "step-label" }, h("span", { class: "step-name" }, step.name || step.id), h("span", { class: "step-kind" }, step.kind), stepStatusBadge(step.status), duration),
        h("span", { class: "bar-track", "aria-hidden": "true" }, bar),
      );
      const detail = h("div", { id: detailId, class: "step-detail-wrap", hidden: !open }, open ? stepDetail(step, op) : null);
      button.addEventListener("click", () => {
        const nowOpen = !expanded.has(step.id);
        if (nowOpen) expanded.add(step.id);
        else expanded.delete(step.id);
        button.setAttribute("aria-expanded", String(nowOpen));
        detail.hidden = !nowOpen;
        detail.replaceChildren(...(nowOpen ? [stepDetail(step, op)] : []));
      });
      return h("li", { class: "step-row", "data-testid": "step-row", "data-step-id": step.id, "data-status": step.status }, button, detail);
    }),
  );
  const tick = (at: number) => {
    layout(run, rows, at).forEach(({ left, width, ms }, index) => {
      const { bar, duration } = bars[index] as (typeof bars)[number];
      bar.style.setProperty("--left", `${left}%`);
      bar.style.setProperty("--width", `${width}%`);
      duration.textContent = formatDuration(ms);
    });
  };
  tick(now);
  return { element, tick };
}

/** Each row's bar in percent of the run (start to latest end, or now while running). */
function layout(run: RunView, rows: Row[], now: number): { left: number; width: number; ms: number | null }[] {
  const running = run.status === "Running";
  const starts = rows.map(({ step }) => timeOf(step.started_at)).filter((ms): ms is number => ms !== undefined);
  const runStart = timeOf(run.run_started_at) ?? Math.min(...starts, now);
  const ends = rows.map(({ step }) => timeOf(step.ended_at) ?? timeOf(step.started_at) ?? runStart);
  const runEnd = running ? Math.max(now, ...ends) : Math.max(timeOf(run.ended_at) ?? runStart, ...ends);
  const span = Math.max(runEnd - runStart, 1);
  return rows.map(({ step, op }) => {
    const started = timeOf(step.started_at) ?? timeOf(op?.since);
    const start = started ?? runStart;
    // A step still going (no end) reaches now; one never started is a thin mark at the start.
    const end = timeOf(step.ended_at) ?? (started !== undefined ? (running ? now : runEnd) : start);
    const left = Math.min(Math.max(((start - runStart) / span) * 100, 0), 100 - MIN_WIDTH);
    const width = Math.min(Math.max(((end - start) / span) * 100, MIN_WIDTH), 100 - left);
    return { left, width, ms: step.duration_ms ?? (started !== undefined ? end - start : null) };
  });
}

/** Steps with the run's in-flight ops; an op without a step yet (just planned) gets a row too. */
function stepsWithPending(run: RunView): Row[] {
  const pending = run.pending ?? [];
  const rows: Row[] = (run.steps ?? []).map((step) => ({ step, op: pending.find((op) => op.step_id === step.id) }));
  for (const op of pending) {
    if (rows.some(({ step }) => step.id === op.step_id)) continue;
    const kind = op.kind === "step" ? "run" : op.kind;
    const status = ({ sleep: "Sleeping", wait: "Waiting", invoke: "Invoking" } as Record<string, string>)[op.kind] ?? "Planned";
    rows.push({ op, step: { id: op.step_id, name: op.name, kind, status, attempts: op.attempt ?? 0, started_at: op.since, ended_at: null, duration_ms: null } });
  }
  return rows;
}
