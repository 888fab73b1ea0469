import { Ferry, createServeHandler, type ServableFunction, type ServeRequest, type ServeResponse } from "@ferry/sdk";
import type { EngineDeps, FunctionCaller, VirtualClock } from "../../core";
import { buildRouter } from "../../dev/server/dev-server";
import { routerFetch, type RequestScope } from "./router-fetch";

/** Runs after the app answered a call and before the engine acts on it (to inject races). */
export type AfterCall = (requestBody: string, response: ServeResponse) => Promise<void>;

/**
 * The engine's side of an app served in process: a `FunctionCaller` that hands each call to the
 * SDK's serve handler, which exists only once the engine does (`serve` joins them).
 */
export interface InProcessCaller {
  caller: FunctionCaller;
  /** Makes the app's serve handler the target of the caller's calls. */
  serve(handler: (request: ServeRequest) => Promise<ServeResponse>): void;
}

/** A caller whose calls go straight to a serve handler set later; header names come back lower-cased, as over HTTP. */
export function inProcessCaller(afterCall?: AfterCall): InProcessCaller {
  let serveHandler: (request: ServeRequest) => Promise<ServeResponse> = async () => ({ status: 503, headers: {}, body: "" });
  return {
    caller: {
      call: async (request) => {
        const response = await serveHandler({ method: "POST", url: request.url, headers: request.headers, body: request.body });
        await afterCall?.(request.body, response);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
        return { status: response.status, headers, body: response.body };
      },
    },
    serve: (handler) => {
      serveHandler = handler;
    },
  };
}

/**
 * Builds the app (our SDK) against the dev server's routes over `deps`, points `caller` at its
 * serve handler and syncs it, as `ferry dev` would. Returns the SDK client, whose `send` goes
 * through the event route (validation included).
 */
export async function joinInProcessApp(
  deps: EngineDeps,
  caller: InProcessCaller,
  build: (ferry: Ferry) => ServableFunction[],
  context: { virtualClock?: VirtualClock; idle: () => Promise<void> },
  scope?: RequestScope,
): Promise<Ferry> {
  const router = buildRouter({ deps, syncApp: async (url) => ({ ok: false, url, error: "not in-process" }), ...context });
  const ferry = new Ferry({ id: "app", isDev: true, baseUrl: "http://ferry.test", fetch: routerFetch(router, scope) });
  const serveHandler = createServeHandler({ client: ferry, functions: build(ferry) });
  caller.serve(serveHandler);
  const appUrl = "http://app.test/api/inngest";
  const sync = await serveHandler({ method: "PUT", url: appUrl, headers: { "x-inngest-server-kind": "dev" }, body: JSON.stringify({ url: appUrl }) });
  if (sync.status !== 200) throw new Error(`sync failed: ${sync.status} ${sync.body}`);
  return ferry;
}
