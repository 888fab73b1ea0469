import { api, messageOf, seg } from "../api";
import { code, errorText, h, muted, replaceKeepingFocus } from "../dom";
import { watchLive } from "../live";
import { eventHref } from "../route";
import type { EventOutcome } from "../types";
import { eventOutcome } from "./event-outcome";
import type { FunctionIndex } from "./functions-index";

/**
 * An event just sent, and its runs as they appear: the event id (a link) and its outcome,
 * refreshed live until the page is left.
 */
export function watchEvent(eventId: string, functions: FunctionIndex, signal: AbortSignal): HTMLElement {
  const outcome = h("div", null, muted("Waiting for runs…"));
  let shown = "";
  let runIds: string[] = [];
  const load = async () => {
    try {
      const answer = await api<EventOutcome>(`/v1/events/${seg(eventId)}/runs`, { signal });
      runIds = answer.data.map((run) => run.run_id);
      const key = JSON.stringify(answer);
      if (key !== shown) replaceKeepingFocus(outcome, eventOutcome(answer, functions));
      shown = key;
    } catch (error) {
      if (!signal.aborted) replaceKeepingFocus(outcome, errorText(`Could not load the event's runs: ${messageOf(error)}`));
    }
  };
  void load().then(() => watchLive({ signal, refresh: load, query: () => ({ event_id: eventId, runs: runIds.join(",") || undefined }) }));
  return h("div", { class: "card sent-event", "data-testid": "sent-event", "data-event-id": eventId }, h("p", null, "Event ", h("a", { href: eventHref(eventId), "data-testid": "sent-event-link" }, code(eventId))), outcome);
}
