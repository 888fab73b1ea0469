import { afterAll, describe, expect, it } from "@jest/globals";
import { FunctionCatalog, registerApp, VirtualClock, type EngineDeps } from "../../core";
import { createLocalEngine } from "./local-engine";

/**
 * Two engines sharing one store, as Lambdas share DynamoDB: a registration made through one is
 * seen by the other's catalog within its check interval, without the other being told. (Two
 * local engines cannot open one file, so the second is the first's deps with a catalog of its own.)
 */
describe("function catalogs of two engines on one store", () => {
  const clock = new VirtualClock(Date.parse("2026-03-01T00:00:00Z"));
  const engine = createLocalEngine({ database: ":memory:", clock, caller: { call: async () => ({ status: 500, headers: {}, body: "" }) } });
  afterAll(() => engine.close());
  const a = engine.deps;
  const b: EngineDeps = { ...engine.deps, catalog: new FunctionCatalog(engine.deps.apps, () => clock.now(), { checkIntervalMs: 1_000 }) };

  function registration(functionIds: string[]) {
    const url = "http://app.test/api";
    const step = { id: "step", name: "step", runtime: { type: "http", url } };
    return { url, appName: "app", functions: functionIds.map((id) => ({ id, triggers: [{ event: `t/${id}` }], steps: { step } })) };
  }

  const matched = async (deps: EngineDeps, name: string) =>
    (await deps.catalog.index()).match({ id: "e", name, data: {}, user: {}, ts: clock.now() }).map(({ fn }) => fn.id);

  it("sees a registration made by the other engine within the check interval", async () => {
    await registerApp(a, registration(["app-first"]));
    expect(await matched(b, "t/app-first")).toEqual(["app-first"]);

    await registerApp(a, registration(["app-first", "app-second"]));
    expect(await matched(a, "t/app-second")).toEqual(["app-second"]); // the registering engine at once
    expect(await matched(b, "t/app-second")).toEqual([]); // the other trusts its cache for now
    clock.advance(999);
    expect(await matched(b, "t/app-second")).toEqual([]);
    clock.advance(1);
    expect(await matched(b, "t/app-second")).toEqual(["app-second"]);

    await registerApp(a, registration(["app-second"]));
    clock.advance(1_000);
    expect(await matched(b, "t/app-first")).toEqual([]); // deactivated by the other engine's sync
  });
});
