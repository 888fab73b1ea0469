// A user app on a Lambda function URL, for the production-path bed: runs in its own process
// (started with the bed-time preload and tsx), builds the app module named on the command line
// and serves its Lambda handler behind a function-URL-shaped HTTP front on loopback.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { HttpApiEmulator } from "../../../aws-local/http-api-emulator";
import type { BedApp } from "./bed-app";

async function main(): Promise<void> {
  const [modulePath] = process.argv.slice(2);
  const loaded = (await import(modulePath as string)) as { default?: { createApp?: unknown }; createApp?: unknown };
  const createApp = (loaded.createApp ?? loaded.default?.createApp) as BedApp["createApp"];
  const app = createApp({ observe: (name, data) => process.send?.({ type: "observe", name, data }) });
  // A function URL says https; on loopback the app is reached over plain HTTP, so the URL it
  // registers must say so too.
  const invoke = (event: APIGatewayProxyEventV2) => app.handler({ ...event, headers: { ...event.headers, "x-forwarded-proto": "http" } });
  const front = new HttpApiEmulator({ routes: [{ route: "ANY /", invoke }, { route: "ANY /{proxy+}", invoke }] });
  const { url } = await front.start();
  process.send?.({ type: "ready", url });
}

main().catch((error: unknown) => {
  process.send?.({ type: "failed", error: String(error instanceof Error ? error.stack : error) });
  process.exit(1);
});
