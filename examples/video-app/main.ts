import { createServer } from "node:http";
import { registerApp } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import { ferry } from "./client";
import { approval } from "./functions/approval";
import { notifyProcessed } from "./functions/notify-processed";
import { processVideoUpload } from "./functions/process-video-upload";
import { sendNotification } from "./functions/send-notification";

/** Every function of the example app. */
export const functions = [processVideoUpload, notifyProcessed, approval, sendNotification];

const port = Number(process.env.PORT ?? 3000);
const handler = serve({ client: ferry, functions });
const server = createServer((req, res) => {
  if (req.url?.startsWith("/api/inngest")) return handler(req, res);
  res.writeHead(404).end();
});

server.listen(port, "127.0.0.1", () => {
  const url = `http://127.0.0.1:${port}/api/inngest`;
  console.log(`video-app serving ${functions.length} functions at ${url}`);
  // Register with the engine right away; `ferry dev -u` / `--example` also sync it from their side.
  registerApp({ client: ferry, functions, url }).then(
    () => console.log("video-app registered"),
    (error: unknown) => console.error(`video-app could not register yet: ${error instanceof Error ? error.message : String(error)}`),
  );
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
