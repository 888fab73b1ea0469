import { ferry } from "../client";
import { analyzeContent, generateThumbnail, transcodeVideo } from "../services";

/**
 * The process-video-upload scenario: three steps, a sleep, and an event that triggers
 * `notify-processed`. A failing step is retried alone; finished steps never run again.
 */
export const processVideoUpload = ferry.createFunction(
  { id: "process-video-upload", retries: 3 },
  { event: "video/uploaded" },
  async ({ event, step }) => {
    const transcoded = await step.run("transcode-video", () => transcodeVideo(event.data.url as string));
    const thumbnail = await step.run("generate-thumbnail", () => generateThumbnail(transcoded.url));
    await step.sleep("wait-for-processing", process.env.VIDEO_PROCESSING_WAIT ?? "5m");
    const analysis = await step.run("analyze-content", () => analyzeContent(transcoded.url));
    await step.sendEvent("send-complete-event", { name: "video/processed", data: { videoId: event.data.id, analysis } });
    return { transcoded: transcoded.url, thumbnail, analysis };
  },
);
