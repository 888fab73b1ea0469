import { VirtualClock } from "../../../core";
import { createLocalEngine, type LocalEngine } from "../../../adapters/local/local-engine";
import { buildRouter } from "../dev-server";
import { errorResponse } from "../../../adapters/http/api/http-errors";
import type { ApiResponse } from "../../../adapters/http/api/router";

const T0 = Date.parse("2026-03-01T00:00:00Z");

describe("POST /v0/dev/clock/advance", () => {
  let engine: LocalEngine;
  let clock: VirtualClock;
  let advance: (body: string) => Promise<ApiResponse>;

  beforeEach(() => {
    clock = new VirtualClock(T0);
    engine = createLocalEngine({ database: ":memory:", caller: { call: async () => Promise.reject(new Error("no calls")) }, clock });
    const router = buildRouter({ deps: engine.deps, syncApp: async (url) => ({ ok: false, url, error: "none" }), virtualClock: clock, idle: () => engine.idle() });
    advance = async (body) => {
      const match = router.match("POST", "/v0/dev/clock/advance");
      if (!("handler" in match)) throw new Error("route missing");
      try {
        return await match.handler({ method: "POST", path: "/v0/dev/clock/advance", query: new URLSearchParams(), headers: {}, body, params: match.params });
      } catch (error) {
        return errorResponse(error);
      }
    };
  });
  afterEach(() => engine.close());

  it("moves the clock by ms or to an instant", async () => {
    expect((await advance('{"ms": 1000}')).json).toEqual({ now: T0 + 1000 });
    expect((await advance(`{"to": ${T0 + 60_000}}`)).json).toEqual({ now: T0 + 60_000 });
  });

  it.each([
    ["an infinite ms (1e400)", '{"ms": 1e400}', /cannot move past 8640000000000000 ms/],
    ["an instant past the last date", '{"to": 9e15}', /cannot move past/],
    ["an infinite instant", '{"to": -1e400}', /cannot move past/],
    ["a negative ms", '{"ms": -5}', /expected \{"ms"/],
  ])("answers 400 to %s and leaves the clock alone", async (_what, body, message) => {
    const response = await advance(body);
    expect(response.status).toBe(400);
    expect((response.json as { error: string }).error).toMatch(message);
    expect(clock.now()).toBe(T0);
  });
});
