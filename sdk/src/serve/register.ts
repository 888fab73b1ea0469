import { handleSync } from "./sync";
import type { ServeOptions } from "./serve-types";

/**
 * Registers an app with the engine from the app itself, without waiting for the engine to ask
 * (`PUT`): posts the functions to `{apiBase}/fn/register`, naming `url` as the serve endpoint.
 * Throws with the engine's message when registration is refused.
 *
 * @example
 * ```ts
 * server.listen(3000, () => registerApp({ client: ferry, functions, url: "http://127.0.0.1:3000/api/inngest" }));
 * ```
 */
export async function registerApp(options: ServeOptions & { url: string }): Promise<{ modified: boolean }> {
  const response = await handleSync(options, { method: "PUT", url: options.url, headers: {}, body: JSON.stringify({ url: options.url }) });
  const body = JSON.parse(response.body) as { modified?: boolean; error?: string; message?: string };
  if (response.status !== 200) throw new Error(body.error ?? body.message ?? `registration failed with HTTP ${response.status}`);
  return { modified: body.modified === true };
}
