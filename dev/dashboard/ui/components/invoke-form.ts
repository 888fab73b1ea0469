import { api, messageOf } from "../api";
import { h } from "../dom";
import { childController } from "../live";
import type { FunctionView } from "../types";
import { watchEvent } from "./event-watch";
import type { FunctionIndex } from "./functions-index";
import { jsonEditor } from "./json-editor";

/**
 * "Invoke" for one function: opens an inline JSON editor, sends the function's first event
 * trigger with it (so the run is an ordinary event-triggered run), then follows the event and
 * its runs. A cron-only function has no event to send: the button is disabled and says why.
 */
export function invokeForm(fn: FunctionView, event: string | undefined, id: string, functions: FunctionIndex, signal: AbortSignal): HTMLElement {
  const hintId = `${id}-hint`;
  const open = h("button", { type: "button", id: `${id}-open`, "aria-expanded": "false", "aria-controls": `${id}-panel`, disabled: !event, "aria-describedby": event ? undefined : hintId, "data-testid": "invoke" }, "Invoke");
  const hint = event ? null : h("span", { id: hintId, class: "muted" }, " Cron-only function: there is no event to send; it runs on its schedule.");
  const panel = h("div", { id: `${id}-panel`, class: "invoke-panel", hidden: true });
  const wrap = h("div", { class: "invoke" }, open, hint, panel);
  if (!event) return wrap;

  const editor = jsonEditor({ id: `${id}-json`, label: `Event ${event}: payload`, initial: '{"data": {}}', onChange: () => (send.disabled = !editor.valid()), testId: "invoke-json" });
  const send = h("button", { type: "submit", class: "primary", "data-testid": "invoke-send" }, `Send ${event}`);
  const error = h("p", { class: "error", role: "alert" });
  const results = h("div", { class: "results", "data-testid": "invoke-results" });
  let watching: AbortController | undefined;
  const form = h("form", { "aria-label": `Invoke ${fn.name || fn.id}` }, editor.element, h("div", { class: "form-actions" }, send), error);
  form.addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    if (!editor.valid()) return;
    send.disabled = true;
    error.textContent = "";
    try {
      // The editor holds the rest of the event (data, user, id, ts); the name is the trigger's.
      const body = { ...(editor.value() as Record<string, unknown>), name: event };
      const { data } = await api<{ data: { ids: string[] } }>("/v1/events", { method: "POST", body });
      // Only the latest invocation is followed: the previous one's loop stops.
      watching?.abort();
      watching = childController(signal);
      const live = watching.signal;
      results.replaceChildren(...data.ids.map((eventId) => watchEvent(eventId, functions, live)));
    } catch (failure) {
      error.textContent = `Not sent: ${messageOf(failure)}`;
    } finally {
      send.disabled = !editor.valid();
    }
  });
  panel.append(form, results);
  open.addEventListener("click", () => {
    const nowOpen = panel.hidden;
    panel.hidden = !nowOpen;
    open.setAttribute("aria-expanded", String(nowOpen));
    if (nowOpen) editor.textarea.focus();
  });
  return wrap;
}
