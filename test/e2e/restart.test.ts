import { Ferry } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import { startAppServer, type AppServer } from "../support/app-server";
import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";

/**
 * SIGKILL the dev server while runs sleep and wait, start it again on the same database: the
 * sleeping run wakes on time, the waiting run still matches its event, and no step runs twice.
 * Uses the real clock with a short sleep, since the restart itself takes real time.
 */
describe("killing ferry dev mid-run loses nothing", () => {
  let dev: DevServerProcess;
  let app: AppServer;
  const calls: Record<string, number> = {};
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);

  afterAll(async () => {
    await app?.close();
    await dev?.kill("SIGTERM");
  });

  it("resumes sleeping and waiting runs after SIGKILL and restart", async () => {
    dev = await startDevServerProcess({ args: ["--quiet"] });
    const api = new FerryApi(dev.url);
    const ferry = new Ferry({ id: "restart", isDev: true, baseUrl: dev.url });
    const sleeper = ferry.createFunction({ id: "sleeper" }, { event: "test/sleep" }, async ({ step }) => {
      const before = await step.run("before", () => count("before"));
      await step.sleep("nap", "3s");
      const after = await step.run("after", () => count("after"));
      return { before, after };
    });
    const waiter = ferry.createFunction({ id: "waiter" }, { event: "test/wait" }, async ({ step }) => {
      const match = await step.waitForEvent("wait", { event: "test/go", timeout: "1h", match: "data.key" });
      return match ? `got ${match.data.key}` : "timed out";
    });
    let releaseFirstCall: () => void = () => {};
    const inFlight = ferry.createFunction({ id: "in-flight" }, { event: "test/slow" }, async ({ step }) => {
      return step.run("slow", async () => {
        // The first call hangs until after the kill; the engine must call again after restart.
        if (count("slow") === 1) await new Promise<void>((resolve) => (releaseFirstCall = resolve));
        return "finished after restart";
      });
    });
    app = await startAppServer(serve({ client: ferry, functions: [sleeper, waiter, inFlight] }));
    await api.request("POST", "/v1/apps/sync", { url: app.serveUrl });
    await api.waitForFunctions(["restart-sleeper", "restart-waiter"]);

    const sentAt = Date.now();
    const [sleepEvent] = await api.send({ name: "test/sleep", data: {} });
    const [waitEvent] = await api.send({ name: "test/wait", data: { key: "k1" } });
    const [slowEvent] = await api.send({ name: "test/slow", data: {} });
    await api.until("the slow step to be called", async () => (calls.slow === 1 ? true : undefined));
    await api.until("both runs to pause", async () => {
      const sleeping = (await api.runsOf(sleepEvent as string))[0]?.waiting?.type === "sleeping";
      const waiting = (await api.runsOf(waitEvent as string))[0]?.waiting?.type === "waiting-for-event";
      return sleeping && waiting ? true : undefined;
    });

    await dev.kill("SIGKILL");
    releaseFirstCall();
    dev = await dev.restart();
    const restarted = new FerryApi(dev.url);

    await restarted.send({ name: "test/go", data: { key: "k1" } });
    expect((await restarted.finishedRunOf(waitEvent as string)).output).toBe("got k1");

    const slept = await restarted.finishedRunOf(sleepEvent as string, undefined, 20_000);
    expect(slept).toMatchObject({ status: "Completed", output: { before: 1, after: 1 } });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(3000);
    expect((await restarted.finishedRunOf(slowEvent as string)).output).toBe("finished after restart");
    expect(calls).toEqual({ before: 1, after: 1, slow: 2 });
  });
});
