import { Ferry, NonRetriableError } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import { startAppServer, type AppServer } from "../support/app-server";
import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";

/**
 * Our SDK, served over real HTTP on loopback, against a real `ferry dev` process with a
 * virtual clock: the acceptance scenarios of the foundation issue.
 */
describe("@ferry/sdk workflows on ferry dev", () => {
  let dev: DevServerProcess;
  let app: AppServer;
  let api: FerryApi;
  const calls: Record<string, number> = {};
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);

  beforeAll(async () => {
    dev = await startDevServerProcess({ args: ["--virtual-clock", "--quiet"] });
    api = new FerryApi(dev.url);
    const ferry = new Ferry({ id: "e2e", isDev: true, baseUrl: dev.url });

    const processVideo = ferry.createFunction({ id: "process-video-upload" }, { event: "video/uploaded" }, async ({ event, step }) => {
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
        return { scenes: 3 };
      });
      await step.sendEvent("send-complete-event", { name: "video/processed", data: { videoId: event.data.id, analysis } });
      return { thumbnail, analysis };
    });
    const notify = ferry.createFunction({ id: "notify-processed" }, { event: "video/processed" }, async ({ event, step }) =>
      step.run("notify", () => ({ notified: event.data.videoId })),
    );
    const flaky = ferry.createFunction({ id: "flaky", retries: 3 }, { event: "test/flaky" }, async ({ step }) => {
      const before = await step.run("before", () => count("before"));
      const value = await step.run("throws-twice", () => {
        if (count("throws-twice") <= 2) throw new Error(`attempt ${calls["throws-twice"]} failed`);
        return "succeeded on the third attempt";
      });
      return { before, value };
    });
    const approval = ferry.createFunction({ id: "approval" }, { event: "workflow/requested" }, async ({ event, step }) => {
      const approved = await step.waitForEvent("wait-for-approval", {
        event: "workflow/approved",
        timeout: "7d",
        match: "data.workflowId",
        if: "async.data.approved == true",
      });
      return approved ? { workflowId: event.data.workflowId, by: approved.data.by } : null;
    });
    const child = ferry.createFunction({ id: "child" }, { event: "test/child" }, async ({ event }) => ({ doubled: (event.data.n as number) * 2 }));
    const parent = ferry.createFunction({ id: "parent" }, { event: "test/parent" }, async ({ step }) => step.invoke("call-child", { function: child, data: { n: 21 } }));
    const parallel = ferry.createFunction({ id: "parallel" }, { event: "test/parallel" }, async ({ step }) => {
      const values = await Promise.all(["a", "b", "c"].map((name) => step.run(name, () => name.toUpperCase())));
      return values.join("");
    });
    const doomed = ferry.createFunction(
      { id: "doomed", retries: 2, onFailure: async ({ error, event }) => ({ handled: error.message, run: event.data.run_id }) },
      { event: "test/doomed" },
      async ({ step }) => step.run("always-fails", () => {
        count("doomed");
        throw new Error("broken for good");
      }),
    );
    const fatal = ferry.createFunction({ id: "fatal" }, { event: "test/fatal" }, async ({ step }) =>
      step.run("give-up", () => {
        count("fatal");
        throw new NonRetriableError("not worth retrying");
      }),
    );
    app = await startAppServer(serve({ client: ferry, functions: [processVideo, notify, flaky, approval, child, parent, parallel, doomed, fatal] }));
    expect((await api.request("POST", "/v1/apps/sync", { url: app.serveUrl })).status).toBe(200);
    await api.waitForFunctions(["e2e-process-video-upload", "e2e-doomed-failure"]);
  });

  afterAll(async () => {
    await app?.close();
    await dev?.kill("SIGTERM");
  });

  /** Moves the virtual clock a minute at a time until the event's run ends (retries, sleeps). */
  const finishWithTime = (eventId: string) =>
    api.until(`run of ${eventId} to end`, async () => {
      const run = (await api.runsOf(eventId))[0];
      if (run && run.status !== "Running") return api.run(run.run_id);
      await api.advance(60_000);
      return undefined;
    });

  it("completes process-video-upload, and its event triggers the next function", async () => {
    const [eventId] = await api.send({ name: "video/uploaded", data: { id: "v1", url: "s3://b/v1" } });
    await api.until("the sleep", async () => ((await api.runsOf(eventId as string))[0]?.waiting?.type === "sleeping" ? true : undefined));
    await api.advance(5 * 60_000);
    const run = await api.finishedRunOf(eventId as string);
    expect(run).toMatchObject({ status: "Completed", output: { thumbnail: "s3://b/v1.mp4.jpg", analysis: { scenes: 3 } } });
    expect(run.steps?.map((step) => step.name)).toEqual(["transcode-video", "generate-thumbnail", "wait-for-processing", "analyze-content", "send-complete-event"]);
    expect(calls).toMatchObject({ transcode: 1, thumbnail: 1, analyze: 1 });
    const notified = await api.until("notify-processed to complete", async () => {
      const { data } = (await api.request<{ data: { function_id: string; status: string; output: unknown }[] }>("GET", "/v1/runs")).body;
      return data.find((r) => r.function_id === "e2e-notify-processed" && r.status === "Completed");
    });
    expect(notified.output).toEqual({ notified: "v1" });
  });

  it("retries a step that throws twice, memoizing the steps before it", async () => {
    const [eventId] = await api.send({ name: "test/flaky", data: {} });
    const run = await finishWithTime(eventId as string);
    expect(run).toMatchObject({ status: "Completed", output: { before: 1, value: "succeeded on the third attempt" } });
    expect(run.steps?.find((step) => step.name === "throws-twice")?.attempts).toBe(3);
    expect(calls.before).toBe(1);
  });

  it("resumes an approval on a matching event and ignores others", async () => {
    const [eventId] = await api.send({ name: "workflow/requested", data: { workflowId: "w1" } });
    await api.until("the wait", async () => ((await api.runsOf(eventId as string))[0]?.waiting?.type === "waiting-for-event" ? true : undefined));
    await api.send({ name: "workflow/approved", data: { workflowId: "w2", approved: true, by: "mallory" } });
    await api.send({ name: "workflow/approved", data: { workflowId: "w1", approved: false, by: "eve" } });
    await api.send({ name: "workflow/approved", data: { workflowId: "w1", approved: true, by: "alice" } });
    expect((await api.finishedRunOf(eventId as string)).output).toEqual({ workflowId: "w1", by: "alice" });
  });

  it("returns null from waitForEvent when the timeout passes", async () => {
    const [eventId] = await api.send({ name: "workflow/requested", data: { workflowId: "w3" } });
    await api.until("the wait", async () => ((await api.runsOf(eventId as string))[0]?.waiting?.type === "waiting-for-event" ? true : undefined));
    await api.advance(7 * 24 * 3_600_000 - 1000);
    expect((await api.runsOf(eventId as string))[0]?.status).toBe("Running");
    await api.advance(1000);
    expect((await api.finishedRunOf(eventId as string)).output).toBeNull();
  });

  it("returns the invoked child's result from step.invoke", async () => {
    const [eventId] = await api.send({ name: "test/parent", data: {} });
    expect((await api.finishedRunOf(eventId as string)).output).toEqual({ doubled: 42 });
  });

  it("runs three steps in parallel with Promise.all", async () => {
    const [eventId] = await api.send({ name: "test/parallel", data: {} });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.output).toBe("ABC");
    expect(run.steps?.map((step) => step.name).sort()).toEqual(["a", "b", "c"]);
  });

  it("runs onFailure after the retries are exhausted", async () => {
    const [eventId] = await api.send({ name: "test/doomed", data: {} });
    const run = await finishWithTime(eventId as string);
    expect(run.status).toBe("Failed");
    expect(calls.doomed).toBe(3);
    const handler = await api.until("the onFailure run", async () => {
      const { data } = (await api.request<{ data: { function_id: string; status: string; output: unknown }[] }>("GET", "/v1/runs")).body;
      return data.find((r) => r.function_id === "e2e-doomed-failure" && r.status === "Completed");
    });
    expect(handler.output).toEqual({ handled: "broken for good", run: run.run_id });
  });

  it("does not retry a NonRetriableError", async () => {
    const [eventId] = await api.send({ name: "test/fatal", data: {} });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.status).toBe("Failed");
    expect(calls.fatal).toBe(1);
    expect(run.error?.message).toMatch(/not worth retrying/);
  });

  it("cancels a sleeping run through the REST API and replays a finished one", async () => {
    const [eventId] = await api.send({ name: "video/uploaded", data: { id: "v2", url: "s3://b/v2" } });
    const sleeping = await api.until("the sleep", async () => {
      const run = (await api.runsOf(eventId as string))[0];
      return run?.waiting?.type === "sleeping" ? run : undefined;
    });
    const cancelled = await api.request<{ data: { status: string } }>("POST", `/v1/runs/${sleeping.run_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe("Cancelled");
    await api.advance(5 * 60_000);
    expect((await api.run(sleeping.run_id)).steps?.map((step) => step.name)).not.toContain("analyze-content");

    const replay = await api.request<{ data: { run_id: string; replay_of: string } }>("POST", `/v1/runs/${sleeping.run_id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.data.replay_of).toBe(sleeping.run_id);
    await api.until("the replay to sleep", async () => ((await api.run(replay.body.data.run_id)).waiting?.type === "sleeping" ? true : undefined));
    await api.advance(5 * 60_000);
    const replayed = await api.until("the replay to finish", async () => {
      const run = await api.run(replay.body.data.run_id);
      return run.status !== "Running" ? run : undefined;
    });
    expect(replayed).toMatchObject({ status: "Completed", output: { thumbnail: "s3://b/v2.mp4.jpg" } });
  });

  it("refuses to move the virtual clock backwards or by nonsense", async () => {
    for (const body of [{ ms: -5 }, { ms: "soon" }, {}]) {
      const response = await api.request<{ error: string }>("POST", "/v0/dev/clock/advance", body);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatch(/expected \{"ms"/);
    }
  });
});
