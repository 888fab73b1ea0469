/** Outcome of asking an app to sync. */
export type SyncResult = { ok: true; url: string; modified: boolean } | { ok: false; url: string; error: string };

/** How hard to try reaching an app that may still be starting. */
export interface SyncOptions {
  /** Attempts while the app refuses connections. @default 1 */
  attempts?: number;
  /** Delay between attempts (ms). @default 500 */
  delayMs?: number;
}

/**
 * Asks an app to sync, the way Inngest's dev server does: `PUT <serve url>` with `{url}` and
 * `X-Inngest-Server-Kind: dev`; the SDK answers by POSTing its registration to `/fn/register`.
 * Retries connection failures, so `ferry dev -u` works when the app starts after the server.
 */
export async function syncApp(url: string, options: SyncOptions = {}): Promise<SyncResult> {
  const attempts = options.attempts ?? 1;
  let lastError = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: "PUT",
        headers: { "content-type": "application/json", "x-inngest-server-kind": "dev" },
        body: JSON.stringify({ url }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (!response.ok) return { ok: false, url, error: `app answered ${response.status}: ${text.slice(0, 500)}` };
      const body = safeJson(text) as { modified?: unknown } | undefined;
      return { ok: true, url, modified: body?.modified === true };
    } catch (error) {
      lastError = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 500));
    }
  }
  return { ok: false, url, error: `could not reach ${url}: ${lastError}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
