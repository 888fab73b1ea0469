import { api, messageOf, seg } from "../api";
import { eventOutcome } from "../components/event-outcome";
import { loadFunctions, type FunctionIndex } from "../components/functions-index";
import { when } from "../components/when";
import { code, errorText, h, link, muted, replaceKeepingFocus, type Child } from "../dom";
import { jsonView } from "../json-view";
import { watchLive } from "../live";
import type { Page } from "../route";
import type { EventOutcome, EventView } from "../types";

/** `#/events/<id>`: the event's payload and what it led to (runs, skips, pending), live. */
export const eventDetailPage: Page = (root, { path, signal }) => {
  const id = path[1] as string;
  let functions: FunctionIndex = new Map();
  let runIds: string[] = [];
  let shown = "";
  const head = h("div", null, h("h1", null, "Event ", code(id)), muted("Loading event…"));
  const outcome = h("section", null, h("h2", null, "Outcome"), muted("Loading…"));
  root.append(h("p", { class: "crumbs" }, link("#/events", "← Events")), head, outcome);

  async function loadEvent(): Promise<void> {
    try {
      const { data: event } = await api<{ data: EventView }>(`/v1/events/${seg(id)}`, { signal });
      replaceKeepingFocus(head, ...eventHead(event));
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(head, h("h1", null, "Event ", code(id)), errorText(`Could not load the event: ${messageOf(error)}`));
    }
  }

  async function loadOutcome(): Promise<void> {
    try {
      const answer = await api<EventOutcome>(`/v1/events/${seg(id)}/runs`, { signal });
      runIds = answer.data.map((run) => run.run_id);
      const key = JSON.stringify(answer);
      if (key === shown) return;
      shown = key;
      replaceKeepingFocus(outcome, h("h2", null, "Outcome"), eventOutcome(answer, functions));
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(outcome, h("h2", null, "Outcome"), errorText(`Could not load what the event led to: ${messageOf(error)}`));
    }
  }

  void (async () => {
    functions = await loadFunctions(signal);
    await Promise.all([loadEvent(), loadOutcome()]);
    void watchLive({ signal, refresh: loadOutcome, query: () => ({ event_id: id, runs: runIds.join(",") || undefined }) });
  })();
};

function eventHead(event: EventView): Child[] {
  return [
    h("h1", null, "Event ", code(event.name)),
    h(
      "dl",
      { class: "facts" },
      h("dt", null, "Id"),
      h("dd", null, code(event.id)),
      h("dt", null, "Received"),
      h("dd", null, when(event.received_at)),
      event.ts !== undefined && event.ts !== null ? [h("dt", null, "Timestamp (ts)"), h("dd", null, String(event.ts))] : null,
    ),
    h("section", { "data-testid": "event-payload" }, h("h2", null, "Data"), jsonView(event.data, { label: "Event data" })),
    event.user !== undefined && event.user !== null && !(typeof event.user === "object" && Object.keys(event.user as object).length === 0)
      ? h("section", null, h("h2", null, "User"), jsonView(event.user, { label: "Event user" }))
      : null,
  ];
}
