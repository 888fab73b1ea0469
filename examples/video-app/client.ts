import { Ferry } from "@ferry/sdk";

/** The example app's client. In dev it finds `ferry dev` through INNGEST_DEV / INNGEST_BASE_URL. */
export const ferry = new Ferry({ id: "video-app" });
