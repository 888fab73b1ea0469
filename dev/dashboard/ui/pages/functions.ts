import { api, messageOf } from "../api";
import { firstEventName } from "../components/functions-index";
import { invokeForm } from "../components/invoke-form";
import { when } from "../components/when";
import { code, errorText, h, muted, replaceKeepingFocus, table, type Child } from "../dom";
import { jsonView } from "../json-view";
import { flowHref, hrefOf, type Page } from "../route";
import type { AppView, FunctionView, TriggerView } from "../types";

/**
 * `#/functions`: synced apps (with "Sync now") and registered functions: triggers, retries,
 * flow-control config, and "Invoke", which sends the function's event from an inline editor.
 */
export const functionsPage: Page = (root, { signal }) => {
  const apps = h("section", { "data-testid": "apps" }, h("h2", null, "Apps"), muted("Loading apps…"));
  const fns = h("section", { "data-testid": "functions" }, h("h2", null, "Functions"), muted("Loading functions…"));
  root.append(h("h1", null, "Functions"), apps, fns);
  let index = new Map<string, FunctionView>();

  async function loadApps(): Promise<void> {
    try {
      const { data } = await api<{ data: AppView[] }>("/v1/apps", { signal });
      replaceKeepingFocus(apps, h("h2", null, "Apps"), data.length ? table(["App", "URL", "SDK", "Last sync", ""], data.map((app) => appRow(app, loadApps)), { "data-testid": "apps-table" }) : muted("No apps synced yet. Start ferry dev with -u <your serve URL>, or let your app register itself."));
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(apps, h("h2", null, "Apps"), errorText(`Could not load apps: ${messageOf(error)}`));
    }
  }

  async function loadFunctions(): Promise<void> {
    try {
      const { data } = await api<{ data: FunctionView[] }>("/v1/functions", { signal });
      index = new Map(data.map((fn) => [fn.id, fn]));
      replaceKeepingFocus(fns, h("h2", null, "Functions"), data.length ? h("div", { class: "cards" }, data.map((fn, i) => functionCard(fn, i, index, signal))) : muted("No functions registered yet."));
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(fns, h("h2", null, "Functions"), errorText(`Could not load functions: ${messageOf(error)}`));
    }
  }

  void loadApps();
  void loadFunctions();
};

function appRow(app: AppView, reload: () => Promise<void>): HTMLElement {
  const result = h("span", { class: "sync-result", role: "status", "data-testid": "sync-result" });
  const button = h("button", { type: "button", "data-testid": "sync-app", "data-key": `sync:${app.id}` }, "Sync now");
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.className = "sync-result";
    result.textContent = "Syncing…";
    try {
      const { data } = await api<{ data: { ok: boolean; modified?: boolean; error?: string } }>("/v1/apps/sync", { method: "POST", body: { url: app.url } });
      if (!data.ok) throw new Error(data.error ?? "sync failed");
      await reload();
      // The row was redrawn: say so on the new one (found by its data-key).
      const fresh = document.querySelector(`[data-key="sync:${CSS.escape(app.id)}"]`)?.parentElement?.querySelector(".sync-result");
      if (fresh) fresh.textContent = data.modified ? "Synced: functions changed." : "Synced: no changes.";
    } catch (error) {
      result.classList.add("error");
      result.textContent = `Sync failed: ${messageOf(error)}`;
    } finally {
      button.disabled = false;
    }
  });
  const last = app.last_sync;
  return h(
    "tr",
    { "data-testid": "app-row", "data-app-id": app.id },
    h("td", null, code(app.id)),
    h("td", { class: "wrap" }, code(app.url)),
    h("td", null, [app.sdk ?? "", app.framework ? ` (${app.framework})` : ""]),
    h("td", null, last ? [h("span", { class: `badge ${last.ok ? "phase-completed" : "phase-failed"}` }, last.ok ? "ok" : "failed"), " ", when(last.at), last.error ? h("span", { class: "error" }, ` ${last.error}`) : null] : when(app.synced_at)),
    h("td", null, button, " ", result),
  );
}

function functionCard(fn: FunctionView, i: number, index: Map<string, FunctionView>, signal: AbortSignal): HTMLElement {
  const event = firstEventName(fn);
  const config = fn.config && Object.keys(fn.config).length ? fn.config : undefined;
  return h(
    "article",
    { class: "card function-card", "data-testid": "function-card", "data-function-id": fn.id },
    h("h3", null, fn.name || fn.id),
    h(
      "dl",
      { class: "facts" },
      fact("Id", code(fn.id)),
      fact("App", code(fn.app_id)),
      fact("Triggers", h("ul", { class: "triggers" }, (fn.triggers ?? []).map((trigger) => h("li", null, triggerText(trigger))))),
      fact("Retries", fn.retries === undefined ? "default" : String(fn.retries)),
      fn.active === false ? fact("Active", "no (removed from its app)") : null,
      fact("Runs", [h("a", { href: hrefOf(["runs"], { function_id: fn.id }) }, "Runs of this function"), " · ", h("a", { href: flowHref(fn.id) }, "Flow control")]),
    ),
    config ? h("details", { class: "config" }, h("summary", null, "Flow-control config"), jsonView(config, { label: `Config of ${fn.name}` })) : muted("No flow-control config."),
    invokeForm(fn, event, `invoke-${i}`, index, signal),
  );
}

function fact(label: string, value: Child): Child {
  return [h("dt", null, label), h("dd", null, value)];
}

function triggerText(trigger: TriggerView): Child {
  if ("cron" in trigger) return ["cron ", code(trigger.cron)];
  return ["event ", code(trigger.event), trigger.expression ? [" if ", code(trigger.expression)] : null];
}
