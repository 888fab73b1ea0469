import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** What an app module gets from the bed: where the deployment is and its keys. */
export interface BedAppConfig {
  baseUrl: string;
  signingKey: string;
  eventKey: string;
  /** Reports something the app saw (a step ran) to the test. */
  observe(name: string, data?: unknown): void;
}

/** An app module for the bed: builds a Lambda handler (our SDK's or the official SDK's adapter). */
export interface BedApp {
  createApp(config: BedAppConfig): { handler(event: APIGatewayProxyEventV2): Promise<object> };
}
