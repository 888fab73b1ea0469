import { createHash } from "node:crypto";
import { Aws, CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { FerryEngineProps } from "./engine-props";
import { FerryApp } from "./ferry-app";
import { FerryEngine } from "./ferry-engine";

/** Properties of a {@link FerryStack}. */
export interface FerryStackProps extends StackProps, FerryEngineProps {
  /**
   * Public serve URLs of apps to register on every deploy (apps behind AWS_IAM function URLs
   * need a `FerryApp` with `function` in code).
   * @default - none
   */
  readonly appUrls?: readonly string[];
  /**
   * ARN of an existing SNS topic for the alarms, when `alarmTopic` is not given (e.g. from context).
   * @default - no topic
   */
  readonly alarmTopicArn?: string;
}

/**
 * The production deployment of Ferry: one engine, its apps, and the outputs a user needs to point
 * an SDK at it (URLs, and where to read the keys).
 */
export class FerryStack extends Stack {
  /** The engine. */
  readonly engine: FerryEngine;

  constructor(scope: Construct, id: string, props: FerryStackProps = {}) {
    super(scope, id, { ...props, description: props.description ?? `Ferry durable workflow engine (${props.stage ?? "prod"})` });
    const alarmTopic = props.alarmTopic ?? (props.alarmTopicArn ? sns.Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn) : undefined);
    this.engine = new FerryEngine(this, "Engine", { ...props, alarmTopic });
    // Ids from the URL, not the position: reordering the list must not replace registrations.
    for (const url of new Set(props.appUrls ?? [])) {
      new FerryApp(this, `App${createHash("sha256").update(url).digest("hex").slice(0, 12)}`, { engine: this.engine, url });
    }

    new CfnOutput(this, "EventApiUrl", {
      value: `${this.engine.eventApiUrl}e/`,
      description: "Event API: POST <EventApiUrl><event key>",
    });
    new CfnOutput(this, "RestApiUrl", { value: this.engine.restApiUrl, description: "Base URL of Ferry's HTTP API: events (INNGEST_BASE_URL) and the REST API" });
    new CfnOutput(this, "SdkApiUrl", { value: this.engine.sdkApiUrl, description: "Where apps register and report checkpoints (INNGEST_API_BASE_URL)" });
    new CfnOutput(this, "SigningKeySecretArn", { value: this.engine.signingKeySecret.secretArn, description: "Secret holding the signing key" });
    new CfnOutput(this, "EventKeySecretArn", { value: this.engine.eventKeySecret.secretArn, description: "Secret holding the event key" });
    new CfnOutput(this, "DashboardUrl", {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.engine.monitoring.dashboard.dashboardName}`,
      description: "CloudWatch dashboard of this stage",
    });
  }
}
