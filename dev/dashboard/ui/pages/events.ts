import { api, messageOf, withQuery } from "../api";
import { Pager } from "../components/pager";
import { code, errorText, h, muted, replaceKeepingFocus, table } from "../dom";
import { formatRelative, formatTime, preview } from "../format";
import { watchLive } from "../live";
import { eventHref, type Page } from "../route";
import type { EventView, Page as ListPage } from "../types";

/** `#/events`: the newest events, paged by cursor, with new ones appearing live. */
export const eventsPage: Page = (root, { signal }) => {
  let events: EventView[] = [];
  let shown = "";
  const status = h("div", { "aria-live": "polite" });
  const list = h("div", { "data-testid": "events-list" }, muted("Loading events…"));
  const pager = new Pager(() => void load());
  root.append(h("h1", null, "Events"), status, list);

  async function load(): Promise<void> {
    try {
      const page = await api<ListPage<EventView>>(withQuery("/v1/events", { limit: 50, cursor: pager.current }), { signal });
      events = page.data;
      pager.next = page.next_cursor ?? null;
      status.replaceChildren();
      const key = JSON.stringify([events, pager.current, pager.next]);
      if (key === shown) return;
      shown = key;
      replaceKeepingFocus(
        list,
        events.length ? table(["Name", "Id", "Received", "Data"], events.map(eventRow), { "data-testid": "events-table" }) : muted(pager.current ? "No older events." : "No events yet. Send one from the Send event page."),
        pager.controls("events"),
      );
    } catch (error) {
      if (!signal.aborted) status.replaceChildren(errorText(`Could not load events: ${messageOf(error)}`));
    }
  }

  void load().then(() => watchLive({ signal, refresh: load, query: () => ({ events: "1" }) }));
};

function eventRow(event: EventView): HTMLElement {
  return h(
    "tr",
    { "data-testid": "event-row", "data-event-id": event.id },
    h("td", null, h("a", { href: eventHref(event.id), "data-key": `event:${event.id}` }, event.name)),
    h("td", null, code(event.id)),
    h("td", null, event.received_at ? h("time", { datetime: event.received_at, title: formatRelative(event.received_at) }, formatTime(event.received_at)) : ""),
    h("td", { class: "preview" }, h("code", null, preview(event.data))),
  );
}
