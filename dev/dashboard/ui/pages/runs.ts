import { api, messageOf, seg, withQuery } from "../api";
import { phaseBadge } from "../components/badges";
import { functionName, loadFunctions, type FunctionIndex } from "../components/functions-index";
import { Pager } from "../components/pager";
import { waitingSummary } from "../components/waiting";
import { code, errorText, h, link, muted, replaceKeepingFocus, table } from "../dom";
import { formatDuration, formatRelative, formatTime, fromLocalInput, timeOf, toLocalInput } from "../format";
import { watchLive } from "../live";
import { eventHref, hrefOf, navigate, runHref, type Page } from "../route";
import { PHASES, type Page as ListPage, type RunView } from "../types";

/** The list filters, as they appear in the hash query and in `/v1/runs` and `/v1/live`. */
const FILTERS = ["function_id", "phase", "from", "to"] as const;
/** How often durations of running runs are redrawn when nothing else changes. */
const TICK_MS = 5_000;

/**
 * `#/runs`: the newest runs, filtered by function, phase and time range (kept in the hash so a
 * view is a link), paged by cursor, and refreshed live without losing the page on screen.
 */
export const runsPage: Page = (root, { query, signal }) => {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  let functions: FunctionIndex = new Map();
  let runs: RunView[] = [];
  let shown = "";
  const status = h("div", { "aria-live": "polite" });
  const list = h("div", { "data-testid": "runs-list" }, muted("Loading runs…"));
  const pager = new Pager(() => void load());
  const functionSelect = h("select", { id: "runs-function", name: "function_id" }, h("option", { value: "" }, "All functions"));
  const setFilter = (name: string, value: string) => navigate(hrefOf(["runs"], { ...filters, [name]: value || undefined }));
  const from = h("input", { id: "runs-from", name: "from", type: "datetime-local", value: toLocalInput(filters.from) });
  const to = h("input", { id: "runs-to", name: "to", type: "datetime-local", value: toLocalInput(filters.to) });
  const applyRange = (event: Event) => {
    event.preventDefault();
    navigate(hrefOf(["runs"], { ...filters, from: fromLocalInput(from.value) || undefined, to: fromLocalInput(to.value) || undefined }));
  };

  root.append(
    h("h1", null, "Runs"),
    h(
      "div",
      { class: "toolbar" },
      h("form", { class: "filters", "aria-label": "Filter runs", onsubmit: applyRange }, [
        field("Function", functionSelect, (value) => setFilter("function_id", value)),
        field("Phase", h("select", { id: "runs-phase", name: "phase" }, h("option", { value: "" }, "All phases"), PHASES.map((phase) => h("option", { value: phase }, phase))), (value) => setFilter("phase", value), filters.phase),
        // Times apply on "Apply" (or Enter): a date input reports a change per edited segment.
        h("label", { class: "field" }, h("span", null, "From"), from),
        h("label", { class: "field" }, h("span", null, "To"), to),
        h("button", { type: "submit", id: "runs-apply" }, "Apply"),
        FILTERS.some((name) => filters[name]) ? link("#/runs", "Clear filters") : null,
      ]),
      searchForm(signal),
    ),
    status,
    list,
  );

  async function load(): Promise<void> {
    try {
      const page = await api<ListPage<RunView>>(withQuery("/v1/runs", { limit: 50, ...filters, cursor: pager.current }), { signal });
      runs = page.data;
      pager.next = page.next_cursor ?? null;
      status.replaceChildren();
      render(false);
    } catch (error) {
      if (!signal.aborted) status.replaceChildren(errorText(`Could not load runs: ${messageOf(error)}`));
    }
  }

  function render(tick: boolean): void {
    const key = JSON.stringify([runs, pager.current, pager.next, functions.size]);
    if (!tick && key === shown) return;
    shown = key;
    const rows = runs.map((run) => runRow(run, functions));
    replaceKeepingFocus(
      list,
      runs.length ? table(["Run", "Function", "Phase", "Waiting", "Started", "Duration"], rows, { "data-testid": "runs-table" }) : muted(pager.current ? "No older runs." : "No runs match these filters yet."),
      pager.controls("runs"),
    );
  }

  void (async () => {
    functions = await loadFunctions(signal);
    for (const fn of functions.values()) functionSelect.append(h("option", { value: fn.id }, fn.name || fn.id));
    if (filters.function_id && !functions.has(filters.function_id)) functionSelect.append(h("option", { value: filters.function_id }, filters.function_id));
    functionSelect.value = filters.function_id ?? "";
    await load();
    void watchLive({ signal, refresh: load, query: () => ({ ...filters, runs: runs.map((run) => run.run_id).join(",") || undefined }) });
  })();
  const ticker = setInterval(() => runs.some((run) => !run.ended_at) && render(true), TICK_MS);
  signal.addEventListener("abort", () => clearInterval(ticker));
};

function field(label: string, control: HTMLSelectElement | HTMLInputElement, onChange: (value: string) => void, initial?: string): HTMLElement {
  if (initial !== undefined) control.value = initial;
  control.addEventListener("change", () => onChange(control.value));
  return h("label", { class: "field" }, h("span", null, label), control);
}

function runRow(run: RunView, functions: FunctionIndex): HTMLElement {
  const started = run.run_started_at ?? run.created_at;
  const start = timeOf(started);
  const end = timeOf(run.ended_at);
  const duration = start === undefined ? "" : end !== undefined ? formatDuration(end - start) : `${formatDuration(Date.now() - start)}…`;
  return h(
    "tr",
    { "data-testid": "run-row", "data-run-id": run.run_id },
    h("td", { class: "run-id-cell" }, h("a", { href: runHref(run.run_id), "data-key": `run:${run.run_id}`, title: run.run_id }, code(run.run_id))),
    h("td", null, link(hrefOf(["runs"], { function_id: run.function_id }), functionName(functions, run.function_id))),
    h("td", null, phaseBadge(run)),
    h("td", { class: "waiting-cell" }, waitingSummary(run.waiting)),
    h("td", null, started ? h("time", { datetime: started, title: formatRelative(started) }, formatTime(started)) : ""),
    h("td", { class: "num" }, duration),
  );
}

/** A run id opens the run; otherwise an event id opens the event; otherwise it says so. */
function searchForm(signal: AbortSignal): HTMLElement {
  const input = h("input", { id: "runs-search", type: "search", name: "id", placeholder: "run or event id", autocomplete: "off", "data-testid": "runs-search" });
  const message = h("p", { class: "search-message", role: "status", "data-testid": "search-message" });
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (!id) return;
    message.textContent = "Looking…";
    try {
      // One lookup that answers for a miss too: a 404 per guess would show as a console error.
      const { data } = await api<{ data: { run: boolean; event: boolean } }>(`/v1/lookup/${seg(id)}`, { signal });
      if (data.run) return navigate(runHref(id));
      if (data.event) return navigate(eventHref(id));
      message.textContent = `No run or event has the id ${id}.`;
    } catch (error) {
      message.textContent = `Search failed: ${messageOf(error)}`;
    }
  };
  return h(
    "form",
    { class: "search", role: "search", onsubmit: (event: Event) => void onSubmit(event) },
    h("label", { class: "field" }, h("span", null, "Find by id"), input),
    h("button", { type: "submit" }, "Go"),
    message,
  );
}
