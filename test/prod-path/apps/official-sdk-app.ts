import { Inngest, NonRetriableError } from "inngest";
import { serve } from "inngest/lambda";
import type { BedAppConfig } from "../../aws/prod-bed/bed-app";

/**
 * The official `inngest` SDK's compat flows, served by its own Lambda adapter (`inngest/lambda`)
 * and pointed at the deployment through the environment (`INNGEST_BASE_URL`, `INNGEST_API_BASE_URL`).
 */
export function createApp({ observe }: BedAppConfig) {
  // Configured by the environment, as README's "Deploy to AWS" says.
  const inngest = new Inngest({ id: "bed-official", isDev: false });
  const processVideo = inngest.createFunction({ id: "process-video-upload", triggers: [{ event: "video/uploaded" }] }, async ({ event, step }) => {
    const transcoded = await step.run("transcode-video", () => {
      observe("transcode", event.data.id);
      return { url: `${String(event.data.url)}.mp4` };
    });
    await step.sleep("wait-for-processing", "5m");
    const analysis = await step.run("analyze-content", () => {
      observe("analyze", event.data.id);
      return { scenes: 3, source: transcoded.url };
    });
    await step.sendEvent("send-complete-event", { name: "video/processed", data: { videoId: event.data.id, analysis } });
    return { analysis };
  });
  const together = inngest.createFunction({ id: "together", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
    const values = await Promise.all(["a", "b", "c"].map((name) => step.run(name, () => name.toUpperCase())));
    observe("together", values.join(""));
    return values.join("");
  });
  const approval = inngest.createFunction({ id: "approval", triggers: [{ event: "workflow/requested" }] }, async ({ event, step }) => {
    const approved = await step.waitForEvent("wait-for-approval", { event: "workflow/approved", timeout: "7d", if: "event.data.workflowId == async.data.workflowId" });
    observe("approval", { workflowId: event.data.workflowId, approved: approved !== null });
    return approved === null ? "timed out" : "approved";
  });
  const child = inngest.createFunction({ id: "double", triggers: [{ event: "test/double" }] }, async ({ event }) => ({ doubled: Number(event.data.n) * 2 }));
  const parent = inngest.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
    const result = await step.invoke("call-child", { function: child, data: { n: 21 } });
    observe("invoked", result);
    return result;
  });
  const doomed = inngest.createFunction(
    { id: "doomed", retries: 1, triggers: [{ event: "test/doomed" }], onFailure: async ({ error }) => observe("on-failure", error.message) },
    async ({ step }) =>
      step.run("always-fails", () => {
        throw new NonRetriableError("cannot be done");
      }),
  );
  return { handler: serve({ client: inngest, functions: [processVideo, together, approval, child, parent, doomed] }) };
}
