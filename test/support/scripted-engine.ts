import { registerApp, VirtualClock, type FunctionCallRequest, type FunctionCallResponse } from "../../core";
import { createLocalEngine, type LocalEngine, type LocalEngineOptions } from "../../adapters/local/local-engine";
import { T0 } from "./in-process-ferry";

/** One scripted answer of the app endpoint. */
export interface ScriptedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Answers each call: `stepId` from the URL, the memoized `steps` the engine sent, `n` counts calls from 1. */
export type Script = (call: { stepId: string | null; steps: Record<string, unknown>; n: number }) => ScriptedAnswer | Promise<ScriptedAnswer>;

/** A local engine whose one function (`app-fn`, triggered by `t/go`) answers from a script. */
export interface ScriptedEngine {
  engine: LocalEngine;
  clock: VirtualClock;
  calls: FunctionCallRequest[];
  /** What the engine reported through `observer.problem`. */
  problems: string[];
}

/**
 * The real local engine (in-memory SQLite, the persisted queue, a virtual clock) calling an
 * endpoint that answers from a script instead of an SDK: for protocol answers an SDK may give
 * but ours never does. Every answer carries the SDK header.
 */
export async function scriptedEngine(script: Script, options: Pick<LocalEngineOptions, "handle"> = {}): Promise<ScriptedEngine> {
  const clock = new VirtualClock(T0);
  const calls: FunctionCallRequest[] = [];
  const problems: string[] = [];
  const engine = createLocalEngine({
    database: ":memory:",
    clock,
    observer: { problem: (message) => void problems.push(message) },
    handle: options.handle,
    caller: {
      call: async (request): Promise<FunctionCallResponse> => {
        calls.push(request);
        const body = JSON.parse(request.body) as { steps: Record<string, unknown> };
        const answer = await script({ stepId: new URL(request.url).searchParams.get("stepId"), steps: body.steps, n: calls.length });
        return { status: answer.status, headers: { "x-inngest-sdk": "js:v4.24.0", ...answer.headers }, body: JSON.stringify(answer.body) };
      },
    },
  });
  await registerApp(engine.deps, {
    url: "http://app.test/api",
    appName: "app",
    functions: [{ id: "app-fn", name: "fn", triggers: [{ event: "t/go" }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://app.test/api" } } } }],
  });
  engine.start();
  return { engine, clock, calls, problems };
}
