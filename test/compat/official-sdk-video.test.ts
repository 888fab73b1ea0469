import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { startAppServer, type AppServer } from "../support/app-server";
import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";

/**
 * The process-video-upload scenario written with the official `inngest` package (v4), served
 * over real HTTP and run by a real `ferry dev` process on a virtual clock.
 */
describe("official inngest SDK v4 on ferry dev", () => {
  let dev: DevServerProcess;
  let app: AppServer;
  let api: FerryApi;
  const calls: Record<string, number> = {};
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);

  beforeAll(async () => {
    dev = await startDevServerProcess({ args: ["--virtual-clock", "--quiet"] });
    api = new FerryApi(dev.url);
    const inngest = new Inngest({ id: "video-app", isDev: true, baseUrl: dev.url });
    const processVideo = inngest.createFunction(
      { id: "process-video-upload", triggers: [{ event: "video/uploaded" }] },
      async ({ event, step }) => {
        const transcoded = await step.run("transcode-video", () => {
          count("transcode");
          return { url: `${event.data.url}.mp4` };
        });
        const thumbnail = await step.run("generate-thumbnail", () => {
          count("thumbnail");
          return `${transcoded.url}.jpg`;
        });
        await step.sleep("wait-for-processing", "5m");
        const analysis = await step.run("analyze-content", () => {
          count("analyze");
          return { scenes: 3, source: transcoded.url };
        });
        await step.sendEvent("send-complete-event", { name: "video/processed", data: { videoId: event.data.id, analysis } });
        return { thumbnail, analysis };
      },
    );
    const notify = inngest.createFunction({ id: "notify-processed", triggers: [{ event: "video/processed" }] }, async ({ event, step }) => {
      return step.run("notify", () => ({ notified: event.data.videoId }));
    });
    const flaky = inngest.createFunction({ id: "flaky", triggers: [{ event: "test/flaky" }], retries: 3 }, async ({ step }) => {
      return step.run("sometimes-fails", () => {
        if (count("flaky") < 3) throw new Error(`failure ${calls.flaky}`);
        return "third time lucky";
      });
    });
    const together = inngest.createFunction({ id: "together", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
      const values = await Promise.all(["a", "b", "c"].map((name) => step.run(name, () => name.toUpperCase())));
      return values.join("");
    });
    app = await startAppServer(serve({ client: inngest, functions: [processVideo, notify, flaky, together] }));
    const sync = await api.request("POST", "/v1/apps/sync", { url: app.serveUrl });
    expect(sync.status).toBe(200);
    await api.waitForFunctions(["video-app-process-video-upload", "video-app-notify-processed"]);
  });

  afterAll(async () => {
    await app?.close();
    await dev?.kill("SIGTERM");
  });

  it("runs process-video-upload through its sleep and triggers the follow-up function", async () => {
    const started = Date.now();
    const [eventId] = await api.send({ name: "video/uploaded", data: { id: "v1", url: "s3://bucket/v1" } });
    const sleeping = await api.until("the run to sleep", async () => {
      const run = (await api.runsOf(eventId as string))[0];
      return run?.waiting?.type === "sleeping" ? run : undefined;
    });
    expect(sleeping.status).toBe("Running");
    console.log("sleeping after", Date.now() - started);
    await api.advance(5 * 60_000);
    const run = await api.finishedRunOf(eventId as string);
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ thumbnail: "s3://bucket/v1.mp4.jpg", analysis: { scenes: 3, source: "s3://bucket/v1.mp4" } });
    expect(run.steps?.map((step) => step.name)).toEqual(["transcode-video", "generate-thumbnail", "wait-for-processing", "analyze-content", "send-complete-event"]);
    expect(calls).toMatchObject({ transcode: 1, thumbnail: 1, analyze: 1 });
    const notified = await api.until("the video/processed run", async () => {
      const runs = (await api.request<{ data: { function_id: string; status: string; output: unknown }[] }>("GET", "/v1/runs")).body.data;
      return runs.find((candidate) => candidate.function_id === "video-app-notify-processed" && candidate.status === "Completed");
    });
    expect(notified.output).toEqual({ notified: "v1" });
  });

  it("retries a failing step and memoizes its result", async () => {
    const [eventId] = await api.send({ name: "test/flaky", data: {} });
    // Retries wait on the dev server's virtual clock: move it until the run ends.
    await api.until("the run to finish", async () => {
      await api.advance(60_000);
      const run = (await api.runsOf(eventId as string))[0];
      return run && run.status !== "Running" ? run : undefined;
    });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("third time lucky");
    expect(run.steps?.[0]?.attempts).toBe(3);
  });

  it("runs three steps in parallel with Promise.all", async () => {
    const [eventId] = await api.send({ name: "test/parallel", data: {} });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.status).toBe("Completed");
    expect(run.output).toBe("ABC");
    expect(run.steps?.map((step) => step.name).sort()).toEqual(["a", "b", "c"]);
  });
});
