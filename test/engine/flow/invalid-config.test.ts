import { Ferry, createServeHandler, registerApp, type FetchLike, type FunctionConfig, type ServableFunction } from "@ferry/sdk";
import { VirtualClock, type FunctionCaller } from "../../../core";
import { createLocalEngine, type LocalEngine } from "../../../adapters/local/local-engine";
import { buildRouter } from "../../../dev/server/dev-server";
import { T0 } from "../../support/in-process-ferry";
import { routerFetch } from "../../support/router-fetch";

/**
 * Invalid flow-control configuration is refused when the app registers: the SDK's sync (`PUT`)
 * answers non-200 and `registerApp` throws, naming the function and the field, and nothing of
 * the app is registered (a re-sync of a registered app leaves the previous registration intact).
 * Wired like test/support/in-process-ferry.ts, but without its sync-or-throw start.
 */
describe("flow control: invalid configuration", () => {
  const appUrl = "http://app.test/api/inngest";
  let engine: LocalEngine;
  let fetchLike: FetchLike;

  beforeEach(() => {
    const clock = new VirtualClock(T0);
    const caller: FunctionCaller = { call: async () => ({ status: 503, headers: {}, body: "" }) };
    engine = createLocalEngine({ database: ":memory:", caller, clock });
    const router = buildRouter({ deps: engine.deps, syncApp: async (url) => ({ ok: false, url, error: "not in-process" }), virtualClock: clock, idle: () => engine.idle() });
    fetchLike = routerFetch(router);
    engine.start();
  });
  afterEach(() => engine.close());

  /** An app with a valid function and the function configured by `bad`. */
  function app(bad: FunctionConfig): { client: Ferry; functions: ServableFunction[] } {
    const client = new Ferry({ id: "shop", isDev: true, baseUrl: "http://ferry.test", fetch: fetchLike });
    return {
      client,
      functions: [
        client.createFunction({ id: "fine", concurrency: 2 }, { event: "shop/ok" }, async () => "ok"),
        client.createFunction(bad, { event: "shop/order" }, async () => "never"),
      ],
    };
  }

  /** Asks the app to sync, as the dev server does; returns the status and the error it reports. */
  async function sync(target: { client: Ferry; functions: ServableFunction[] }): Promise<{ status: number; error?: string }> {
    const handler = createServeHandler(target);
    const response = await handler({ method: "PUT", url: appUrl, headers: { "x-inngest-server-kind": "dev" }, body: JSON.stringify({ url: appUrl }) });
    return { status: response.status, error: (JSON.parse(response.body) as { error?: string }).error };
  }

  it.each<[string, FunctionConfig, RegExp]>([
    ["a debounce period out of range", { id: "send", debounce: { period: "8d" } }, /function "shop-send": debounce\.period: must be between 1s and 604800s/],
    ["a negative concurrency limit", { id: "send", concurrency: { limit: -1 } }, /function "shop-send": concurrency\[0\]\.limit: must be an integer >= 0/],
    ["a key that is not CEL", { id: "send", rateLimit: { limit: 1, period: "1m", key: "event.data.(" } }, /function "shop-send": rateLimit\.key/],
    ["batchEvents combined with cancelOn", { id: "send", batchEvents: { maxSize: 2, timeout: "5s" }, cancelOn: [{ event: "shop/stop" }] }, /function "shop-send": cancel: cannot be combined with batchEvents/],
    ["an unknown singleton mode", { id: "send", singleton: { mode: "queue" as "skip" } }, /function "shop-send": singleton\.mode/],
  ])("refuses %s, naming function and field, and registers nothing", async (_name, bad, message) => {
    const answer = await sync(app(bad));
    expect(answer.status).toBe(400);
    expect(answer.error).toMatch(message);
    await expect(registerApp({ ...app(bad), url: appUrl })).rejects.toThrow(message);
    expect(await engine.deps.apps.listApps()).toEqual([]);
    expect(await engine.deps.apps.listFunctions()).toEqual([]);
  });

  it("keeps an app's previous registration when a re-sync is refused", async () => {
    expect((await sync(app({ id: "send", debounce: { period: "5s" } }))).status).toBe(200);
    const before = await engine.deps.apps.listFunctions();
    expect(before.map((fn) => fn.id).sort()).toEqual(["shop-fine", "shop-send"]);
    const answer = await sync(app({ id: "send", debounce: { period: "500ms" } }));
    expect(answer.status).toBe(400);
    expect(answer.error).toContain('function "shop-send": debounce.period');
    expect(await engine.deps.apps.listFunctions()).toEqual(before);
  });
});
