import { api, messageOf } from "../api";
import { watchEvent } from "../components/event-watch";
import { loadFunctions, type FunctionIndex } from "../components/functions-index";
import { jsonEditor } from "../components/json-editor";
import { h, muted } from "../dom";
import { childController } from "../live";
import type { Page } from "../route";

/** How many sent events stay on the page, followed live. */
const MAX_FOLLOWED = 10;

/**
 * `#/send`: send an event by hand (name, JSON data, optional user), checked as you type, then
 * follow it: its id and the runs it starts, live.
 */
export const sendPage: Page = (root, { signal }) => {
  let functions: FunctionIndex = new Map();
  const stops = new WeakMap<Element, AbortController>();
  const names = h("datalist", { id: "send-names" });
  const name = h("input", { id: "send-name", name: "name", required: true, autocomplete: "off", list: "send-names", "data-testid": "send-name", placeholder: "app/user.signed-up" });
  const nameMessage = h("p", { id: "send-name-message", class: "field-message", "aria-live": "polite" });
  name.setAttribute("aria-describedby", nameMessage.id);
  const update = () => {
    const nameOk = name.value.trim() !== "";
    nameMessage.textContent = nameOk || !name.dataset.touched ? "" : "An event needs a name.";
    submit.disabled = !nameOk || !data.valid() || !user.valid();
  };
  const data = jsonEditor({ id: "send-data", label: "Data (JSON object)", initial: "{}", onChange: update, testId: "send-data" });
  const user = jsonEditor({ id: "send-user", label: "User (optional JSON object)", initial: "", optional: true, onChange: update, testId: "send-user" });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "send-submit" }, "Send");
  const error = h("p", { class: "error", role: "alert", "data-testid": "send-error" });
  const results = h("div", { class: "results", "data-testid": "send-results" });
  name.addEventListener("input", () => {
    name.dataset.touched = "1";
    update();
  });

  const send = async (event: Event) => {
    event.preventDefault();
    update();
    if (submit.disabled) return;
    submit.disabled = true;
    error.textContent = "";
    try {
      const body = { name: name.value.trim(), data: data.value(), ...(user.value() === undefined ? {} : { user: user.value() }) };
      const { data: answer } = await api<{ data: { ids: string[] } }>("/v1/events", { method: "POST", body });
      for (const id of answer.ids) {
        const watching = childController(signal);
        const card = watchEvent(id, functions, watching.signal);
        stops.set(card, watching);
        results.prepend(card);
      }
      // Only the newest few are followed live (each polls); older ones leave the list.
      for (const old of Array.from(results.children).slice(MAX_FOLLOWED)) {
        stops.get(old)?.abort();
        old.remove();
      }
    } catch (failure) {
      error.textContent = `Not sent: ${messageOf(failure)}`;
    } finally {
      update();
    }
  };

  root.append(
    h("h1", null, "Send event"),
    h(
      "form",
      { class: "send-form", "aria-label": "Send an event", onsubmit: (event: Event) => void send(event) },
      h("div", { class: "field" }, h("label", { for: "send-name" }, "Event name"), name, nameMessage, names),
      data.element,
      user.element,
      h("div", { class: "form-actions" }, submit),
      error,
    ),
    h("h2", null, "Sent"),
    muted(`The last ${MAX_FOLLOWED} events sent here, newest first, with the runs they start as they appear.`),
    results,
  );
  update();
  void loadFunctions(signal).then((index) => {
    functions = index;
    // Suggest the event names functions listen to.
    const events = new Set([...index.values()].flatMap((fn) => (fn.triggers ?? []).flatMap((trigger) => ("event" in trigger ? [trigger.event] : []))));
    for (const event of events) names.append(h("option", { value: event }));
  });
};
