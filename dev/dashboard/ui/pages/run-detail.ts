import { api, messageOf, seg } from "../api";
import { phaseBadge } from "../components/badges";
import { errorBlock } from "../components/error-block";
import { functionName, loadFunctions, type FunctionIndex } from "../components/functions-index";
import { timeline, type Timeline } from "../components/timeline";
import { waitingSentence } from "../components/waiting";
import { when } from "../components/when";
import { code, errorText, h, link, muted, replaceKeepingFocus, type Child } from "../dom";
import { formatDuration, timeOf } from "../format";
import { jsonView } from "../json-view";
import { watchLive } from "../live";
import { eventHref, hrefOf, runHref, type Page } from "../route";
import type { RunView } from "../types";
import { runActions } from "../components/run-actions";

/** How often a running run's bars grow when nothing else changes. */
const TICK_MS = 1_000;

/**
 * `#/runs/<id>`: one run: its phase and why it waits, Cancel/Replay, the step waterfall, the
 * triggering events and the final output or error. Live while open.
 */
export const runDetailPage: Page = (root, { path, signal }) => {
  const id = path[1] as string;
  const expanded = new Set<string>();
  let run: RunView | undefined;
  let functions: FunctionIndex = new Map();
  let shown = "";
  let drawn: Timeline | undefined;
  // Kept across refreshes while the status holds, so a half-confirmed Cancel is not reset.
  let actions: { status: string; element: HTMLElement } | undefined;
  const duration = h("span", { "data-testid": "run-duration" });
  const body = h("div", { "data-testid": "run-detail" }, muted("Loading run…"));
  root.append(h("p", { class: "crumbs" }, link("#/runs", "← Runs")), body);

  async function load(): Promise<void> {
    try {
      run = (await api<{ data: RunView }>(`/v1/runs/${seg(id)}`, { signal })).data;
      render();
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(body, h("h1", null, "Run ", code(id)), errorText(`Could not load the run: ${messageOf(error)}`));
    }
  }

  function render(): void {
    if (!run) return;
    const key = JSON.stringify(run);
    if (key === shown) return;
    shown = key;
    if (actions?.status !== run.status) actions = { status: run.status, element: runActions(run, load) };
    drawn = timeline(run, expanded);
    replaceKeepingFocus(body, ...view(run, functions, { actions: actions.element, timeline: drawn.element, duration }));
    tick();
  }

  function tick(): void {
    if (!run) return;
    const start = timeOf(run.run_started_at);
    const end = timeOf(run.ended_at);
    duration.textContent = start === undefined ? "" : end !== undefined ? formatDuration(end - start) : `${formatDuration(Date.now() - start)} so far`;
    drawn?.tick(Date.now());
  }

  void (async () => {
    functions = await loadFunctions(signal);
    await load();
    // An unknown id stays a "not found" page: watching it would only ask for it again.
    if (run) void watchLive({ signal, refresh: load, query: () => ({ run_id: id }) });
  })();
  // Running bars end at "now": they grow between refreshes (only the bars, not the rows).
  const ticker = setInterval(() => run?.status === "Running" && !document.hidden && tick(), TICK_MS);
  signal.addEventListener("abort", () => clearInterval(ticker));
};

interface Parts {
  actions: HTMLElement;
  timeline: HTMLElement;
  duration: HTMLElement;
}

function view(run: RunView, functions: FunctionIndex, parts: Parts): Child[] {
  const facts: [string, Child][] = [
    ["Function", link(hrefOf(["runs"], { function_id: run.function_id }), functionName(functions, run.function_id))],
    ["Status", run.status],
    ["Created", run.created_at ? when(run.created_at) : null],
    ["Started", run.run_started_at ? when(run.run_started_at) : null],
    ["Ended", run.ended_at ? when(run.ended_at) : null],
    ["Duration", parts.duration],
    ["Parent run", run.parent_run_id ? h("a", { href: runHref(run.parent_run_id), "data-testid": "parent-run" }, code(run.parent_run_id)) : null],
    ["Replay of", run.replay_of ? h("a", { href: runHref(run.replay_of), "data-testid": "replay-of" }, code(run.replay_of)) : null],
    ["App", run.app_id ? code(run.app_id) : null],
  ];
  return [
    h("header", { class: "run-header" }, h("h1", null, "Run ", code(run.run_id)), phaseBadge(run), parts.actions),
    h("dl", { class: "facts" }, facts.filter(([, value]) => value !== null).map(([label, value]) => [h("dt", null, label), h("dd", null, value)])),
    run.waiting && run.status === "Running" ? h("section", { class: "why" }, h("h2", null, "Why it is waiting"), waitingSentence(run.waiting, run.pending)) : null,
    h("section", null, h("h2", null, "Timeline"), parts.timeline),
    triggers(run),
    result(run),
  ];
}

function triggers(run: RunView): HTMLElement {
  const events = run.events ?? [];
  const ids = run.event_ids?.length ? run.event_ids : run.event_id ? [run.event_id] : [];
  return h(
    "section",
    { "data-testid": "run-events" },
    h("h2", null, ids.length > 1 ? `Triggering events (${ids.length})` : "Triggering event"),
    events.length
      ? events.map((event) => h("div", { class: "card" }, h("p", null, h("a", { href: eventHref(event.id) }, code(event.name)), " ", h("a", { href: eventHref(event.id) }, code(event.id))), jsonView(event.data, { label: `Data of event ${event.name}` })))
      : ids.length
        ? h("ul", null, ids.map((eventId) => h("li", null, link(eventHref(eventId), code(eventId)))))
        : muted("No triggering event (a cron run or an invoke)."),
  );
}

function result(run: RunView): HTMLElement | null {
  if (run.status === "Completed") return h("section", { "data-testid": "run-output" }, h("h2", null, "Output"), jsonView(run.output, { label: "Run output" }));
  if (run.error) return h("section", { "data-testid": "run-error" }, h("h2", null, run.status === "Cancelled" ? "Cancelled" : "Error"), errorBlock(run.error));
  if (run.status === "Cancelled") return h("section", null, h("h2", null, "Cancelled"), muted("The run was cancelled."));
  return null;
}
