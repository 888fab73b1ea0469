/**
 * The hash routes: `#/runs`, `#/runs/<id>`, `#/events/<id>`, `#/flow/<fnId>`, ... with filters in
 * a query after the path (`#/runs?phase=failed`), so every view is a link. Ids are
 * percent-encoded as one segment each.
 */

/** A parsed hash. */
export interface Route {
  /** Decoded path segments: `["runs", "01J..."]`. */
  path: string[];
  query: URLSearchParams;
}

/** What a page gets to render itself. */
export interface PageContext extends Route {
  /** Aborted when the user leaves the page: stops its live loop and fetches. */
  signal: AbortSignal;
}

/** A page: renders into `root`, and keeps it up to date until `signal` aborts. */
export type Page = (root: HTMLElement, context: PageContext) => void;

/** Parses `#/runs/a%2Fb?phase=failed`. */
export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, "");
  const mark = text.indexOf("?");
  const pathText = mark === -1 ? text : text.slice(0, mark);
  const path = pathText
    .split("/")
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  return { path, query: new URLSearchParams(mark === -1 ? "" : text.slice(mark + 1)) };
}

/** The hash of a route: `hrefOf(["runs", id], {phase: "failed"})`. Empty query values are left out. */
export function hrefOf(path: string[], query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const text = params.toString();
  return `#/${path.map(encodeURIComponent).join("/")}${text ? `?${text}` : ""}`;
}

/** The link to a run's page. */
export const runHref = (id: string): string => hrefOf(["runs", id]);
/** The link to an event's page. */
export const eventHref = (id: string): string => hrefOf(["events", id]);
/** The link to a function's flow-control page. */
export const flowHref = (fnId: string): string => hrefOf(["flow", fnId]);

/** Goes to a route (a history entry, so Back returns). */
export function navigate(href: string): void {
  if (location.hash === href) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = href;
}
