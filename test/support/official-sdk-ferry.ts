import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Ferry } from "@ferry/sdk";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { VirtualClock, type FunctionCaller } from "../../core";
import { HttpFunctionCaller } from "../../adapters/http/function-caller";
import { createLocalEngine } from "../../adapters/local/local-engine";
import { syncApp } from "../../adapters/http/app-sync";
import { createDevHttpServer } from "../../dev/server/dev-server";
import { startAppServer } from "./app-server";
import { T0, type InProcessFerry, type InProcessOptions } from "./in-process-ferry";

/** Swallows the app's logs (a failing step logs its error; the engine's records are what tests read). */
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** The official client the app is built with (`isDev`, `baseUrl` at the engine's API). */
export type OfficialClient = Inngest<{ id: "app"; isDev: true; baseUrl: string; logger: typeof quiet }>;

/**
 * The official SDK loads `node:async_hooks` with a dynamic `import()`, which jest's CommonJS
 * runtime refuses, and then runs without async context (warning once). Handing it the storage
 * it would have created makes it run as it does in plain Node. The key and shape are the SDK's
 * (components/execution/als.js); if they change, the SDK falls back as before.
 */
export function provideAsyncContext(): void {
  const key = Symbol.for("inngest:als");
  const global = globalThis as Record<symbol, unknown>;
  if (global[key]) return;
  const als = new AsyncLocalStorage();
  global[key] = { resolved: als, isFallback: false, promise: Promise.resolve(als) };
}

/**
 * The real engine in this process (SQLite in memory, the persisted queue, a virtual clock), run
 * against an app written with the official `inngest` package (v4). Unlike `startInProcessFerry`,
 * both directions cross real loopback HTTP: the engine calls the app's `inngest/node` serve
 * handler with the HTTP function caller, and the app's client reaches the dev server's HTTP
 * listener (registration, `inngest.send`, `step.sendEvent`). The engine's job handler and
 * settings stay injectable, so the fault harness can break jobs as it does in process.
 *
 * `send` sends with the official client (`inngest.send`); `ferry` is our client pointed at the
 * same API, for tests that want it.
 */
export async function startOfficialSdkFerry(build: (inngest: OfficialClient) => InngestFunction.Any[], options: InProcessOptions = {}): Promise<InProcessFerry> {
  const clock = new VirtualClock(T0);
  const http = new HttpFunctionCaller({ timeoutMs: 30_000 });
  const caller: FunctionCaller = {
    call: async (request) => {
      const response = await http.call(request);
      await options.afterCall?.(request.body, response);
      return response;
    },
  };
  const engine = createLocalEngine({ database: ":memory:", caller, clock, settings: options.settings, observer: options.observer, handle: options.handle });
  const api = createDevHttpServer(
    { deps: options.apiDeps?.(engine.deps) ?? engine.deps, syncApp: (url) => syncApp(url), virtualClock: clock, idle: () => engine.idle() },
    { onProblem: (message, error) => options.observer?.problem?.(message, error), durable: () => engine.durable() },
  );
  const scope = options.apiScope;
  if (scope) {
    const [serveRequest] = api.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
    api.removeAllListeners("request");
    api.on("request", (req: IncomingMessage, res: ServerResponse) => scope(req.method ?? "GET", new URL(req.url ?? "/", "http://api").pathname, () => serveRequest?.(req, res)));
  }
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  provideAsyncContext();
  const inngest: OfficialClient = new Inngest({ id: "app", isDev: true, baseUrl: apiUrl, logger: quiet });
  const app = await startAppServer(serve({ client: inngest, functions: build(inngest) }));
  engine.start();
  const closeAll = async () => {
    // The engine first: its jobs in flight still need the app and the API.
    await engine.close();
    await app.close();
    api.closeAllConnections();
    await new Promise<void>((resolve) => api.close(() => resolve()));
    http.close();
  };
  try {
    const sync = await fetch(`${apiUrl}/v1/apps/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: app.serveUrl }) });
    if (sync.status !== 200) throw new Error(`sync failed: ${sync.status} ${await sync.text()}`);
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    engine,
    clock,
    ferry: new Ferry({ id: "app", isDev: true, baseUrl: apiUrl }),
    send: async (events) => (await inngest.send(events as Parameters<OfficialClient["send"]>[0])).ids,
    advance: async (ms) => {
      clock.advance(ms);
      await engine.idle();
    },
    idle: () => engine.idle(),
    close: closeAll,
  };
}
