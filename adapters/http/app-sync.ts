import type { RequestSigner } from "./request-signer";
import { signBody } from "./signing";

/** Outcome of asking an app to sync. */
export type SyncResult = { ok: true; url: string; modified: boolean } | { ok: false; url: string; error: string };

/** How hard to try reaching an app that may still be starting. */
export interface SyncOptions {
  /** Attempts while the app refuses connections. @default 1 */
  attempts?: number;
  /** Delay between attempts (ms). @default 500 */
  delayMs?: number;
  /** Sent as `X-Inngest-Server-Kind`; a deployment says `cloud`. @default "dev" */
  serverKind?: "dev" | "cloud";
  /** Signs the request body (`X-Inngest-Signature`), for apps that refuse unsigned syncs. */
  signingKey?: string;
  /** Adds transport authentication (SigV4 for an `AWS_IAM` function URL). */
  signRequest?: RequestSigner;
  /** Current time for the signature. @default Date.now */
  now?: () => number;
}

/**
 * Asks an app to sync, the way Inngest does: `PUT <serve url>` with `{url}` and
 * `X-Inngest-Server-Kind`; the SDK answers by POSTing its registration to `/fn/register`.
 * Retries connection failures, so `ferry dev -u` works when the app starts after the server.
 */
export async function syncApp(url: string, options: SyncOptions = {}): Promise<SyncResult> {
  const attempts = options.attempts ?? 1;
  let lastError = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const body = JSON.stringify({ url });
      const headers: Record<string, string> = { "content-type": "application/json", "x-inngest-server-kind": options.serverKind ?? "dev" };
      if (options.signingKey) headers["x-inngest-signature"] = signBody(body, options.signingKey, (options.now ?? Date.now)());
      if (options.signRequest) Object.assign(headers, await options.signRequest({ method: "PUT", url, headers: { ...headers }, body }));
      const response = await fetch(url, { method: "PUT", headers, body, signal: AbortSignal.timeout(30_000) });
      const text = await response.text();
      if (!response.ok) return { ok: false, url, error: `app answered ${response.status}: ${text.slice(0, 500)}` };
      const answer = safeJson(text) as { modified?: unknown } | undefined;
      return { ok: true, url, modified: answer?.modified === true };
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
