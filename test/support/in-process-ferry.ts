import { Ferry, createServeHandler, type ServableFunction, type ServeRequest, type ServeResponse } from "@ferry/sdk";
import { VirtualClock, type EngineObserver, type EngineSettings, type FunctionCaller } from "../../core";
import { createLocalEngine, type LocalEngine, type LocalEngineOptions } from "../../adapters/local/local-engine";
import { buildRouter } from "../../dev/server/dev-server";
import { routerFetch } from "./router-fetch";

/** Start of virtual time in engine tests. */
export const T0 = Date.parse("2026-03-01T00:00:00Z");

/** An engine and an app wired together in one process, on a virtual clock. */
export interface InProcessFerry {
  engine: LocalEngine;
  clock: VirtualClock;
  ferry: Ferry;
  /** Sends events through the dev server's event route (validation included). */
  send(events: Parameters<Ferry["send"]>[0]): Promise<string[]>;
  /** Moves virtual time and waits until the engine has nothing left to do now. */
  advance(ms: number): Promise<void>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Options for an in-process engine. */
export interface InProcessOptions {
  settings?: Partial<EngineSettings>;
  observer?: EngineObserver;
  /** Runs after the app answered a call and before the engine acts on it (to inject races). */
  afterCall?: (requestBody: string, response: ServeResponse) => Promise<void>;
  /** Replaces the engine's job handler (fault injection). */
  handle?: LocalEngineOptions["handle"];
}

/**
 * The real engine (SQLite in memory, the persisted queue) and the real SDK serve handler, joined
 * without sockets: calls go straight to the serve handler and the SDK's HTTP requests go straight
 * to the dev server's routes. Deterministic and fast, for tests that need many runs or exact
 * virtual time; the e2e suites cover the same paths over real HTTP.
 */
export async function startInProcessFerry(
  build: (ferry: Ferry) => ServableFunction[],
  options: InProcessOptions = {},
): Promise<InProcessFerry> {
  const clock = new VirtualClock(T0);
  let serveHandler: (request: ServeRequest) => Promise<ServeResponse> = async () => ({ status: 503, headers: {}, body: "" });
  const caller: FunctionCaller = {
    call: async (request) => {
      const response = await serveHandler({ method: "POST", url: request.url, headers: request.headers, body: request.body });
      await options.afterCall?.(request.body, response);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
      return { status: response.status, headers, body: response.body };
    },
  };
  const engine = createLocalEngine({ database: ":memory:", caller, clock, settings: options.settings, observer: options.observer, handle: options.handle });
  const router = buildRouter({ deps: engine.deps, syncApp: async (url) => ({ ok: false, url, error: "not in-process" }), virtualClock: clock, idle: () => engine.idle() });
  const fetchLike = routerFetch(router);
  const ferry = new Ferry({ id: "app", isDev: true, baseUrl: "http://ferry.test", fetch: fetchLike });
  const functions = build(ferry);
  serveHandler = createServeHandler({ client: ferry, functions });
  engine.start();
  const appUrl = "http://app.test/api/inngest";
  const sync = await serveHandler({ method: "PUT", url: appUrl, headers: { "x-inngest-server-kind": "dev" }, body: JSON.stringify({ url: appUrl }) });
  if (sync.status !== 200) throw new Error(`sync failed: ${sync.status} ${sync.body}`);
  return {
    engine,
    clock,
    ferry,
    send: async (events) => (await ferry.send(events)).ids,
    advance: async (ms) => {
      clock.advance(ms);
      await engine.idle();
    },
    idle: () => engine.idle(),
    close: () => engine.close(),
  };
}
