import { api, messageOf, seg } from "../api";
import { loadFunctions, type FunctionIndex } from "../components/functions-index";
import { whenShort } from "../components/when";
import { code, errorText, h, muted, replaceKeepingFocus, table, type Child } from "../dom";
import { jsonView } from "../json-view";
import { watchLive } from "../live";
import { eventHref, flowHref, navigate, runHref, type Page } from "../route";
import { FLOW_KINDS, type FlowView } from "../types";

/** Flow-control counters change without a new run (a slot freed): refetch on this period too. */
const FLOW_POLL_MS = 2_000;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const KINDS: Record<string, { title: string; config: string; empty: string }> = {
  concurrency: { title: "Concurrency", config: "concurrency", empty: "No run holds or waits for a concurrency slot." },
  throttle: { title: "Throttle", config: "throttle", empty: "Nothing is throttled." },
  debounce: { title: "Debounce", config: "debounce", empty: "No debounced event is waiting." },
  rate_limit: { title: "Rate limit", config: "rateLimit", empty: "No rate-limit window is open." },
  batch: { title: "Batch", config: "batchEvents", empty: "No batch is being collected." },
  singleton: { title: "Singleton", config: "singleton", empty: "No singleton run is in progress." },
};

/**
 * `#/flow` and `#/flow/<fnId>`: a function's live flow-control state (concurrency slots,
 * throttles, debounces, rate limits, batches, singletons), one table per kind, next to the
 * config that set it up.
 */
export const flowPage: Page = (root, { path, signal }) => {
  const fnId = path[1];
  const picker = h("select", { id: "flow-function", "data-testid": "flow-function" }, h("option", { value: "" }, "Choose a function…"));
  picker.addEventListener("change", () => picker.value && navigate(flowHref(picker.value)));
  const body = h("div", { "data-testid": "flow" }, fnId ? muted("Loading…") : muted("Choose a function to see its flow-control state."));
  root.append(h("h1", null, "Flow control"), h("label", { class: "field picker" }, h("span", null, "Function"), picker), body);
  let functions: FunctionIndex = new Map();
  let shown = "";

  async function load(id: string): Promise<void> {
    try {
      const { data } = await api<{ data: FlowView }>(`/v1/functions/${seg(id)}/flow`, { signal });
      const key = JSON.stringify(data);
      if (key === shown) return;
      shown = key;
      replaceKeepingFocus(body, ...flowView(data, functions, id));
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(body, errorText(`Could not load flow control of ${id}: ${messageOf(error)}`));
    }
  }

  void (async () => {
    functions = await loadFunctions(signal);
    for (const fn of functions.values()) picker.append(h("option", { value: fn.id }, fn.name || fn.id));
    if (fnId && !functions.has(fnId)) picker.append(h("option", { value: fnId }, fnId));
    picker.value = fnId ?? "";
    if (!fnId) return;
    await load(fnId);
    void watchLive({ signal, refresh: () => load(fnId), everyMs: FLOW_POLL_MS, query: () => ({ function_id: fnId }) });
  })();
};

function flowView(flow: FlowView, functions: FunctionIndex, id: string): Child[] {
  const config = functions.get(id)?.config ?? {};
  const kinds = [...FLOW_KINDS, ...new Set(flow.items.map((item) => item.kind).filter((kind) => !(FLOW_KINDS as readonly string[]).includes(kind)))];
  return [
    kinds.map((kind) => {
      const items = flow.items.filter((item) => item.kind === kind);
      const meta = KINDS[kind] ?? { title: kind, config: kind, empty: "None." };
      const configured = config[meta.config] !== undefined && config[meta.config] !== null;
      const columns = [...new Set(items.flatMap((item) => Object.keys(item.fields)))];
      return h(
        "section",
        { class: "flow-kind", "data-testid": `flow-${kind}`, "data-kind": kind },
        h("h2", null, meta.title),
        items.length
          ? table(["Key", ...columns], items.map((item) => h("tr", { "data-testid": "flow-row" }, h("td", null, item.key ? code(item.key) : h("span", { class: "muted" }, "(unkeyed)")), columns.map((column) => h("td", null, cell(column, item.fields[column]))))))
          : muted(configured ? meta.empty : `Not configured for this function. ${meta.empty}`),
      );
    }),
    h("section", null, h("h2", null, "Config"), Object.keys(config).length ? jsonView(config, { label: "Flow-control config" }) : muted("This function has no flow-control config.")),
  ];
}

function cell(column: string, value: string | number | boolean | null | undefined): Child {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" && column === "event_id") return h("a", { href: eventHref(value) }, code(value));
  if (typeof value === "string" && column === "run_id") return h("a", { href: runHref(value) }, code(value));
  if (typeof value === "string" && ISO_TIME.test(value)) return whenShort(value);
  return String(value);
}
