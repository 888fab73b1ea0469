import { api, isAbort, withQuery } from "./api";

/** How long the server may hold one long-poll. */
const HOLD_MS = 20_000;
/** Wait after a failed poll before the next, so a stopped server is not hammered. */
const RETRY_MS = 1_500;

/** What a page watches: the `/v1/live` query besides `token` and `timeout_ms`. */
export type LiveQuery = Record<string, string | undefined>;

/** Options of {@link watchLive}. */
export interface LiveOptions {
  /** Evaluated before every poll: the rows on screen change after each refresh. */
  query: () => LiveQuery;
  /** Refetches the page's view; awaited before the next poll. */
  refresh: () => Promise<void>;
  /** Leaving the page aborts it, which ends the loop and its request in flight. */
  signal: AbortSignal;
  /**
   * Also refresh every `everyMs` when nothing the server watches changed: for views whose state
   * (flow-control counters, an event's routing) the live token does not cover.
   */
  everyMs?: number;
}

/**
 * The long-poll loop of `/v1/live`: ask with the last token; when the server says the watched
 * state changed, refresh the view and ask again with the new token. On an error (server
 * restarting, endpoint missing) it waits and retries, refreshing on the way so the view does not
 * go stale.
 */
export async function watchLive({ query, refresh, signal, everyMs }: LiveOptions): Promise<void> {
  let token: string | undefined;
  while (!signal.aborted) {
    try {
      const timeout = everyMs ?? HOLD_MS;
      const answer = await api<{ data: { token: string; changed: boolean } }>(withQuery("/v1/live", { ...query(), token, timeout_ms: timeout }), { signal });
      token = answer.data.token;
      // The first answer (no token yet) also says changed: refreshing then closes the gap between
      // the page's own load and the token; pages skip re-rendering an unchanged view.
      if (answer.data.changed || everyMs !== undefined) await refreshQuietly(refresh, signal);
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      token = undefined;
      await sleep(RETRY_MS, signal);
      await refreshQuietly(refresh, signal);
    }
  }
}

async function refreshQuietly(refresh: () => Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await refresh();
  } catch {
    // The refresh shows its own errors on the page; the loop keeps going.
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/** A controller that also aborts when `parent` does: for a loop that may end before its page. */
export function childController(parent: AbortSignal): AbortController {
  const child = new AbortController();
  if (parent.aborted) child.abort();
  else parent.addEventListener("abort", () => child.abort(), { once: true });
  return child;
}
