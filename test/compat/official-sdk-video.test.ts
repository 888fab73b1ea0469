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
    const approval = inngest.createFunction({ id: "approval", triggers: [{ event: "workflow/requested" }] }, async ({ event, step }) => {
      const approved = await step.waitForEvent("wait-for-approval", {
        event: "workflow/approved",
        timeout: "7d",
        // The official SDK ignores `if` when `match` is given, so the scenario's two conditions go in one expression.
        if: "event.data.workflowId == async.data.workflowId && async.data.approved == true",
      });
      return approved ? { approvedBy: approved.data.by, workflowId: event.data.workflowId } : "timed out";
    });
    const child = inngest.createFunction({ id: "child", triggers: [{ event: "test/child" }] }, async ({ event }) => ({ doubled: event.data.n * 2 }));
    const parent = inngest.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
      const result = await step.invoke("call-child", { function: child, data: { n: 21 } });
      return result;
    });
    const doomed = inngest.createFunction(
      {
        id: "doomed",
        triggers: [{ event: "test/doomed" }],
        retries: 1,
        onFailure: async ({ event, error }) => ({ failedRun: event.data.run_id, message: error.message }),
      },
      async ({ step }) => step.run("always-fails", () => {
        throw new Error("broken for good");
      }),
    );
    app = await startAppServer(serve({ client: inngest, functions: [processVideo, notify, flaky, together, approval, child, parent, doomed] }));
    const sync = await api.request("POST", "/v1/apps/sync", { url: app.serveUrl });
    expect(sync.status).toBe(200);
    await api.waitForFunctions(["video-app-process-video-upload", "video-app-notify-processed"]);
  });

  afterAll(async () => {
    await app?.close();
    await dev?.kill("SIGTERM");
  });

  it("runs process-video-upload through its sleep and triggers the follow-up function", async () => {
    const [eventId] = await api.send({ name: "video/uploaded", data: { id: "v1", url: "s3://bucket/v1" } });
    const sleeping = await api.until("the run to sleep", async () => {
      const run = (await api.runsOf(eventId as string))[0];
      return run?.waiting?.type === "sleeping" ? run : undefined;
    });
    expect(sleeping.status).toBe("Running");
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

  it("resumes an approval on a matching event and ignores non-matching ones", async () => {
    const [eventId] = await api.send({ name: "workflow/requested", data: { workflowId: "w1" } });
    await api.until("the run to wait", async () => ((await api.runsOf(eventId as string))[0]?.waiting?.type === "waiting-for-event" ? true : undefined));
    await api.send([
      { name: "workflow/approved", data: { workflowId: "other", approved: true, by: "mallory" } },
      { name: "workflow/approved", data: { workflowId: "w1", approved: false, by: "eve" } },
    ]);
    await api.send({ name: "workflow/approved", data: { workflowId: "w1", approved: true, by: "alice" } });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.output).toEqual({ approvedBy: "alice", workflowId: "w1" });
  });

  it("returns null from waitForEvent after the timeout", async () => {
    const [eventId] = await api.send({ name: "workflow/requested", data: { workflowId: "w2" } });
    await api.until("the run to wait", async () => ((await api.runsOf(eventId as string))[0]?.waiting?.type === "waiting-for-event" ? true : undefined));
    await api.advance(7 * 24 * 3_600_000);
    const run = await api.finishedRunOf(eventId as string);
    expect(run.output).toBe("timed out");
  });

  it("returns the child's result from step.invoke", async () => {
    const [eventId] = await api.send({ name: "test/parent", data: {} });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ doubled: 42 });
  });

  it("runs onFailure once retries are exhausted", async () => {
    const [eventId] = await api.send({ name: "test/doomed", data: {} });
    const run = await api.until("the run to fail", async () => {
      await api.advance(60_000);
      const current = (await api.runsOf(eventId as string))[0];
      return current && current.status !== "Running" ? api.run(current.run_id) : undefined;
    });
    expect(run.status).toBe("Failed");
    expect(run.steps?.[0]?.attempts).toBe(2);
    const handler = await api.until("the onFailure run", async () => {
      const runs = (await api.request<{ data: { function_id: string; status: string; output: unknown }[] }>("GET", "/v1/runs")).body.data;
      return runs.find((candidate) => candidate.function_id === "video-app-doomed-failure" && candidate.status === "Completed");
    });
    expect(handler.output).toEqual({ failedRun: run.run_id, message: "broken for good" });
  });
});
