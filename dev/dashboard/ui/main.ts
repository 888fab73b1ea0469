/**
 * The Ferry dashboard: a single-page app in plain TypeScript, bundled by the dev server with
 * esbuild on first request (dev/dashboard/dashboard-assets.ts) and served at `/`.
 *
 * Structure (everything under ui/ is browser code and imports nothing outside ui/):
 * - main.ts        the shell (nav, dev-server badge) and the hash router: one page per route;
 *                  leaving a page aborts its AbortSignal, which stops its live loop.
 * - route.ts       parsing and building `#/path?query` routes; filters live in the query.
 * - api.ts         fetch wrapper (relative URLs, JSON, errors carry the server's message).
 * - types.ts       the REST API shapes.
 * - live.ts        the `/v1/live` long-poll loop every live page runs.
 * - dom.ts         `h()`: elements and text nodes only. Names, event data and function names are
 *                  user-controlled, so no code here parses HTML (no innerHTML and friends).
 * - json-view.ts   collapsible JSON; format.ts durations and times.
 * - components/    pieces shared by pages (badges, waiting sentences, event outcome, timeline).
 * - pages/         one file per page: runs, run-detail, events, event-detail, functions, send, flow.
 * - styles.css     light and dark themes through CSS variables; served as /dashboard.css.
 */
import { h } from "./dom";
import { eventDetailPage } from "./pages/event-detail";
import { eventsPage } from "./pages/events";
import { flowPage } from "./pages/flow";
import { functionsPage } from "./pages/functions";
import { runDetailPage } from "./pages/run-detail";
import { runsPage } from "./pages/runs";
import { sendPage } from "./pages/send";
import { parseHash, type Page } from "./route";

const NAV: [section: string, label: string][] = [
  ["runs", "Runs"],
  ["events", "Events"],
  ["functions", "Functions"],
  ["send", "Send event"],
  ["flow", "Flow control"],
];

/** Which page renders a route: the first segment picks it, detail pages take the second. */
function pageFor(path: string[]): Page {
  const [section, id] = path;
  switch (section) {
    case "runs":
      return id === undefined ? runsPage : runDetailPage;
    case "events":
      return id === undefined ? eventsPage : eventDetailPage;
    case "functions":
      return functionsPage;
    case "send":
      return sendPage;
    case "flow":
      return flowPage;
    default:
      return notFoundPage;
  }
}

const notFoundPage: Page = (root) => {
  root.append(h("h1", null, "Page not found"), h("p", null, "There is no such page. ", h("a", { href: "#/runs" }, "Go to runs")));
};

/** What serves the page (`ferry dev` or `ferry dashboard`), as the HTML shell states it. */
function serverLabel(): string {
  return document.querySelector('meta[name="ferry-server"]')?.getAttribute("content") || "dev server";
}

function start(): void {
  const navLinks = NAV.map(([section, label]) => h("a", { href: `#/${section}`, "data-section": section, "data-testid": `nav-${section}` }, label));
  const main = h("main", { id: "main", tabindex: "-1" });
  document.body.replaceChildren(
    h("a", { href: "#main", class: "skip-link", onclick: (event: MouseEvent) => { event.preventDefault(); main.focus(); } }, "Skip to content"),
    h(
      "header",
      { class: "top" },
      h("a", { href: "#/runs", class: "brand" }, "Ferry"),
      h("nav", { "aria-label": "Main" }, navLinks),
      h("span", { class: "server-badge", "data-testid": "server-badge", title: `Served by ${location.host}` }, serverLabel(), h("span", { class: "muted" }, ` ${location.host}`)),
    ),
    main,
  );

  let controller: AbortController | undefined;
  const render = () => {
    if (!location.hash || location.hash === "#" || location.hash === "#/") {
      history.replaceState(null, "", "#/runs");
    }
    const route = parseHash(location.hash);
    // A filter change re-renders the page: keep focus on the control the user was using.
    const focusedId = document.activeElement && main.contains(document.activeElement) ? document.activeElement.id : "";
    controller?.abort();
    controller = new AbortController();
    for (const navLink of navLinks) {
      if (navLink.dataset.section === route.path[0]) navLink.setAttribute("aria-current", "page");
      else navLink.removeAttribute("aria-current");
    }
    main.replaceChildren();
    document.title = `${NAV.find(([section]) => section === route.path[0])?.[1] ?? "Ferry"} · Ferry`;
    pageFor(route.path)(main, { ...route, signal: controller.signal });
    const again = focusedId ? document.getElementById(focusedId) : null;
    if (again) again.focus();
    // After a navigation, keyboard users continue at the new page, not at the top of the document;
    // on first load the tab order starts at the skip link as usual.
    else if (!first && (focusedId !== "" || document.activeElement === document.body)) main.focus({ preventScroll: true });
    first = false;
  };
  let first = true;
  window.addEventListener("hashchange", render);
  render();
}

start();
