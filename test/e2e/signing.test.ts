import { Ferry } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import { startAppServer, type AppServer } from "../support/app-server";
import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";

const signingKey = "signkey-prod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/**
 * Signed mode end to end: `ferry dev --signing-key` signs every call, the SDK (not in dev mode)
 * verifies it and signs its answer, and registration must carry the hashed key.
 */
describe("request signing between ferry dev and the SDK", () => {
  let dev: DevServerProcess;
  const apps: AppServer[] = [];

  beforeAll(async () => {
    dev = await startDevServerProcess({ args: ["--quiet", "--signing-key", signingKey] });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await dev?.kill("SIGTERM");
  });

  const startApp = async (id: string, key: string) => {
    const ferry = new Ferry({ id, isDev: false, baseUrl: dev.url, signingKey: key, eventKey: "k", env: {} });
    const fn = ferry.createFunction({ id: "greet" }, { event: `${id}/hello` }, async ({ event, step }) => step.run("greet", () => `hello ${event.data.name}`));
    const app = await startAppServer(serve({ client: ferry, functions: [fn] }));
    apps.push(app);
    return app;
  };

  it("runs a function whose endpoint verifies the engine's signature", async () => {
    const api = new FerryApi(dev.url);
    const app = await startApp("signed", signingKey);
    expect((await api.request("POST", "/v1/apps/sync", { url: app.serveUrl })).status).toBe(200);
    const [eventId] = await api.send({ name: "signed/hello", data: { name: "ada" } });
    expect((await api.finishedRunOf(eventId as string)).output).toBe("hello ada");
  });

  it("refuses to register an app that holds a different key", async () => {
    const api = new FerryApi(dev.url);
    const app = await startApp("impostor", "signkey-prod-ffff");
    const sync = await api.request<{ error: string }>("POST", "/v1/apps/sync", { url: app.serveUrl });
    expect(sync.status).toBe(502);
    expect(sync.body.error).toMatch(/401/);
    expect((await api.functions()).map((fn) => fn.id)).not.toContain("impostor-greet");
  });

  it("gets 401 from an endpoint when a call is not signed", async () => {
    const app = await startApp("strict", signingKey);
    const response = await fetch(`${app.serveUrl}?fnId=strict-greet&stepId=step`, { method: "POST", body: JSON.stringify({ event: { name: "strict/hello", data: {} } }) });
    expect(response.status).toBe(401);
  });
});
