import { ferry } from "../client";

/** Triggered by the `video/processed` event that process-video-upload sends. */
export const notifyProcessed = ferry.createFunction({ id: "notify-processed" }, { event: "video/processed" }, async ({ event, step }) => {
  return step.run("notify-owner", () => ({ notified: event.data.videoId }));
});
