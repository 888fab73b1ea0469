import { Ferry } from "../client";
import { fakeFetch, recordingLogger } from "../test-helpers";
import { registerApp } from "./register";

describe("registerApp", () => {
  const url = "http://127.0.0.1:3000/api/inngest";

  it("posts the app's functions with the given serve URL", async () => {
    const fetch = fakeFetch(200, { ok: true, modified: true });
    const client = new Ferry({ id: "shop", isDev: true, env: {}, fetch, logger: recordingLogger() });
    const fn = client.createFunction({ id: "paid" }, { event: "shop/paid" }, async () => null);
    await expect(registerApp({ client, functions: [fn], url })).resolves.toEqual({ modified: true });
    expect(fetch.calls[0]?.url).toBe("http://127.0.0.1:8288/fn/register");
    const body = JSON.parse(fetch.calls[0]?.body ?? "{}") as { url: string; appName: string; functions: { id: string; steps: { step: { runtime: { url: string } } } }[] };
    expect(body).toMatchObject({ url, appName: "shop" });
    expect(body.functions[0]?.steps.step.runtime.url).toBe(`${url}?fnId=shop-paid&stepId=step`);
  });

  it("throws the engine's reason when it refuses the registration", async () => {
    const client = new Ferry({ id: "shop", isDev: true, env: {}, fetch: fakeFetch(400, { error: 'function "shop-paid": concurrency: limit must be >= 0' }), logger: recordingLogger() });
    const fn = client.createFunction({ id: "paid" }, { event: "shop/paid" }, async () => null);
    await expect(registerApp({ client, functions: [fn], url })).rejects.toThrow(/concurrency: limit/);
  });
});
