import { Ferry, NonRetriableError } from "@ferry/sdk";
import { serve } from "@ferry/sdk/lambda";
import type { BedAppConfig } from "../../aws/prod-bed/bed-app";

/**
 * The reference scenarios written with our SDK, served by its Lambda adapter: what a user
 * deploys next to a Ferry stack (`process-video-upload`, `send-notification`, approval, a long
 * sleep, invoke and onFailure).
 */
export function createApp({ observe }: BedAppConfig) {
  // Configured by the environment, as README's "Deploy to AWS" says.
  const ferry = new Ferry({ id: "bed-ours", isDev: false });
  const processVideo = ferry.createFunction({ id: "process-video-upload" }, { event: "video/uploaded" }, async ({ event, step }) => {
    const transcoded = await step.run("transcode-video", () => {
      observe("transcode", event.data.id);
      return { url: `${String(event.data.url)}.mp4` };
    });
    const thumbnail = await step.run("generate-thumbnail", () => {
      observe("thumbnail", event.data.id);
      return `${transcoded.url}.jpg`;
    });
    await step.sleep("wait-for-processing", "5m");
    const analysis = await step.run("analyze-content", () => {
      observe("analyze", event.data.id);
      return { scenes: 3, source: transcoded.url };
    });
    await step.sendEvent("send-complete-event", { name: "video/processed", data: { videoId: event.data.id, analysis } });
    return { thumbnail, analysis };
  });
  const notifyProcessed = ferry.createFunction({ id: "notify-processed" }, { event: "video/processed" }, async ({ event, step }) =>
    step.run("notify", () => {
      observe("processed", event.data.videoId);
      return { notified: event.data.videoId };
    }),
  );
  const longNap = ferry.createFunction({ id: "long-nap" }, { event: "test/nap" }, async ({ step }) => {
    await step.sleep("nap", "3d");
    return step.run("wake", () => {
      observe("woke");
      return "rested";
    });
  });
  const approval = ferry.createFunction({ id: "approval" }, { event: "workflow/requested" }, async ({ event, step }) => {
    const approved = await step.waitForEvent("wait-for-approval", { event: "workflow/approved", timeout: "7d", match: "data.workflowId" });
    observe("approval", { workflowId: event.data.workflowId, approved: approved !== null });
    return approved === null ? "timed out" : "approved";
  });
  const child = ferry.createFunction({ id: "double" }, { event: "test/double" }, async ({ event }) => ({ doubled: Number(event.data.n) * 2 }));
  const parent = ferry.createFunction({ id: "parent" }, { event: "test/parent" }, async ({ step }) => step.invoke("call-child", { function: child, data: { n: 21 } }));
  const doomed = ferry.createFunction(
    { id: "doomed", retries: 1, onFailure: async ({ error }) => observe("on-failure", error.message) },
    { event: "test/doomed" },
    async ({ step }) =>
      step.run("always-fails", () => {
        throw new NonRetriableError("cannot be done");
      }),
  );
  const notify = ferry.createFunction(
    {
      id: "send-notification",
      concurrency: [
        { scope: "account", key: "event.data.accountId", limit: 5 },
        { scope: "fn", limit: 100 },
      ],
      rateLimit: { limit: 10, period: "1m", key: "event.data.userId" },
      debounce: { period: "5s", key: "event.data.userId" },
    },
    { event: "user/action" },
    async ({ event, step }) =>
      step.run("send", () => {
        observe("sent", event.data);
        return { sentTo: event.data.userId };
      }),
  );
  // Triggered by an event of the account (an extra EventBridge rule), not by an app.
  const onUpload = ferry.createFunction({ id: "on-upload" }, { event: "aws.s3/Object Created" }, async ({ event }) => {
    observe("uploaded", event.data);
    return "seen";
  });
  // The cost workload: ten plain steps in sequence (docs/operations.md prices it).
  const tenStepsBody = async ({ step }: { step: { run: <T>(id: string, fn: () => T) => Promise<T> } }) => {
    let total = 0;
    for (let i = 0; i < 10; i++) total += await step.run(`step-${i}`, () => i);
    return total;
  };
  // The cost workload, with checkpoints (the default), with ten steps per checkpoint, and with
  // one executor call per step.
  const tenSteps = ferry.createFunction({ id: "ten-steps" }, { event: "bench/ten-steps" }, tenStepsBody);
  const tenBuffered = ferry.createFunction({ id: "ten-buffered", checkpointing: { bufferedSteps: 10 } }, { event: "bench/ten-buffered" }, tenStepsBody);
  const tenCalls = ferry.createFunction({ id: "ten-calls", checkpointing: false }, { event: "bench/ten-calls" }, tenStepsBody);
  return { handler: serve({ client: ferry, functions: [processVideo, notifyProcessed, longNap, approval, child, parent, doomed, notify, tenSteps, tenBuffered, tenCalls, onUpload] }) };
}
