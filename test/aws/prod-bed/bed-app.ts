import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * What an app module gets from the bed. Where the deployment is and its keys come through the
 * environment (`INNGEST_BASE_URL`, `INNGEST_API_BASE_URL`, `INNGEST_SIGNING_KEY`,
 * `INNGEST_EVENT_KEY`), as on a real function.
 */
export interface BedAppConfig {
  /** Reports something the app saw (a step ran) to the test. */
  observe(name: string, data?: unknown): void;
}

/** An app module for the bed: builds a Lambda handler (our SDK's or the official SDK's adapter). */
export interface BedApp {
  createApp(config: BedAppConfig): { handler(event: APIGatewayProxyEventV2): Promise<object> };
}
