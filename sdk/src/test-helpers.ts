import { Ferry } from "./client";
import type { CallRequest } from "./execution-types";
import type { FetchLike, Logger } from "./types";

/** A logger that records warnings (for tests). */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => undefined, info: () => undefined, warn: (...args: unknown[]) => void warnings.push(args.map(String).join(" ")), error: () => undefined };
}

/** A recorded fetch call. */
export interface FetchCall {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A fetch stub answering with a fixed status and JSON body, recording calls (for tests). */
export function fakeFetch(status = 200, body: unknown = { ids: ["01"], status: 200 }): FetchLike & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fn = async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
    calls.push({ url, ...init });
    return { ok: status >= 200 && status < 300, status, text: async () => JSON.stringify(body) };
  };
  return Object.assign(fn, { calls });
}

/**
 * A fetch stub that lets `answer` pick each reply (throw in it to fail like a network error),
 * recording calls (for tests).
 */
export function scriptedFetch(answer: (call: FetchCall, index: number) => { status: number; body?: unknown }): FetchLike & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fn = async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
    const call = { url, ...init };
    calls.push(call);
    const { status, body } = answer(call, calls.length - 1);
    return { ok: status >= 200 && status < 300, status, text: async () => (body === undefined ? "" : JSON.stringify(body)) };
  };
  return Object.assign(fn, { calls });
}

/** A dev-mode client with a stub fetch (for tests). */
export function testClient(options: { signingKey?: string; isDev?: boolean; fetch?: FetchLike; logger?: Logger } = {}): Ferry {
  return new Ferry({ id: "app", isDev: options.isDev ?? true, env: {}, fetch: options.fetch ?? fakeFetch(), logger: options.logger ?? recordingLogger(), signingKey: options.signingKey });
}

/** A call body as the engine sends it (for tests). */
export function callRequest(steps: Record<string, unknown> = {}, ctx: CallRequest["ctx"] = {}): CallRequest {
  const event = { id: "e1", name: "test/event", data: { x: 1 }, ts: 1, user: {} };
  return { event, events: [event], steps, version: -1, ctx: { run_id: "run1", attempt: 0, fn_id: "app-fn", stack: { stack: [] }, disable_immediate_execution: false, ...ctx } };
}
