import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";
import { freePort } from "../support/free-port";

/**
 * The README's quick start: `ferry dev --example` starts the dev server and the example app,
 * which registers, and the process-video-upload workflow runs to the end from one event.
 */
describe("quick start: ferry dev --example", () => {
  let dev: DevServerProcess;

  afterAll(() => dev?.kill("SIGTERM"));

  it("serves the example app and runs process-video-upload end to end", async () => {
    const examplePort = await freePort();
    dev = await startDevServerProcess({ args: ["--example"], env: { FERRY_EXAMPLE_PORT: String(examplePort), VIDEO_PROCESSING_WAIT: "1s" } });
    const api = new FerryApi(dev.url);
    await api.waitForFunctions(["video-app-process-video-upload", "video-app-notify-processed", "video-app-approval", "video-app-send-notification"]);
    await api.until("the dev server's own sync of the example", async () => (dev.output().includes(`synced   http://127.0.0.1:${examplePort}/api/inngest`) ? true : undefined));
    expect(dev.output()).toContain("video-app registered");

    const [eventId] = await api.send({ name: "video/uploaded", data: { id: "v1", url: "s3://bucket/v1.mov" } });
    const run = await api.finishedRunOf(eventId as string);
    expect(run.status).toBe("Completed");
    expect(run.output).toMatchObject({ transcoded: "s3://bucket/v1.h264.mp4", thumbnail: "s3://bucket/v1.h264.mp4.thumbnail.jpg" });
    await api.until("notify-processed to complete", async () => {
      const { data } = (await api.request<{ data: { function_id: string; status: string }[] }>("GET", "/v1/runs")).body;
      return data.find((r) => r.function_id === "video-app-notify-processed" && r.status === "Completed");
    });
    expect(dev.output()).toMatch(/step\s+video-app-process-video-upload transcode-video ✓/);

    // Ctrl-C: a clean exit that also stops the example app.
    expect(await dev.kill("SIGINT")).toBe(0);
    expect(dev.output()).toContain("SIGINT: stopping");
    await api.until("the example app to stop", async () => {
      const up = await fetch(`http://127.0.0.1:${examplePort}/api/inngest`).then(() => true, () => false);
      return up ? undefined : true;
    });
  });
});
