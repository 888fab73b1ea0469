import type { Ferry, ServableFunction } from "@ferry/sdk";
import { VirtualClock, type EngineDeps, type EngineObserver, type EngineSettings } from "../../core";
import { createLocalEngine, type LocalEngine, type LocalEngineOptions } from "../../adapters/local/local-engine";
import { inProcessCaller, joinInProcessApp, type AfterCall } from "./in-process-app";
import type { RequestScope } from "./router-fetch";

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
  afterCall?: AfterCall;
  /** Replaces the engine's job handler (fault injection). */
  handle?: LocalEngineOptions["handle"];
  /** The ports the engine API serves the app's requests with (fault injection wraps them). */
  apiDeps?: (deps: EngineDeps) => EngineDeps;
  /**
   * Runs around each request the engine API serves over HTTP (fault injection gives checkpoint
   * requests their own scope). In process, the app's requests run inside the job that called it.
   */
  apiScope?: (method: string, path: string, serve: () => void) => void;
  /** Runs around each request the in-process app makes to the engine API (which runs inside the job that called the app). */
  appRequestScope?: RequestScope;
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
  const app = inProcessCaller(options.afterCall);
  const engine = createLocalEngine({ database: ":memory:", caller: app.caller, clock, settings: options.settings, observer: options.observer, handle: options.handle });
  // The engine starts before the app syncs, as `ferry dev` does: registering schedules crons.
  engine.start();
  const ferry = await joinInProcessApp(options.apiDeps?.(engine.deps) ?? engine.deps, app, build, { virtualClock: clock, idle: () => engine.idle() }, options.appRequestScope);
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
