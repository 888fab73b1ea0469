import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import type { EngineFunctionName } from "./engine-function-specs";
import { FerryAlarms } from "./ferry-alarms";
import { FerryDashboard } from "./ferry-dashboard";
import type { FerryQueues } from "./ferry-queues";

/** Properties of {@link FerryMonitoring}. */
export interface FerryMonitoringProps {
  /** Deployment stage. */
  readonly stage: string;
  /** The engine's queues. */
  readonly queues: FerryQueues;
  /** The engine's functions. */
  readonly functions: Readonly<Record<EngineFunctionName, lambda.IFunction>>;
  /** Alarm when the run failure rate over 5 minutes exceeds this (0 to 1). */
  readonly failureRateThreshold: number;
  /** Alarm when the run queue's oldest message is older than this, in seconds. */
  readonly queueAgeThresholdSeconds: number;
  /**
   * Topic every alarm notifies.
   * @default - none
   */
  readonly alarmTopic?: sns.ITopic;
}

/** Dashboard and alarms of one Ferry stage. */
export class FerryMonitoring extends Construct {
  /** The dashboard `Ferry-<stage>`. */
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm. */
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: FerryMonitoringProps) {
    super(scope, id);
    this.dashboard = new FerryDashboard(this, "Dashboard", props).dashboard;
    this.alarms = new FerryAlarms(this, "Alarms", { ...props, executor: props.functions.executor }).alarms;
  }
}
