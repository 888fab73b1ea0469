import { ArnFormat, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledgeWildcardResources } from "./nag-acknowledgements";

/** Properties of {@link FerryTimers}. */
export interface FerryTimersProps {
  /** Deployment stage; the schedule group is named `ferry-<stage>`. */
  readonly stage: string;
  /** The queue schedules deliver to (the timer's delay queue). */
  readonly delayQueue: sqs.IQueue;
}

/** The Scheduler actions a Ferry Lambda uses on schedules of its group. */
export const SCHEDULE_ACTIONS = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"];

/**
 * EventBridge Scheduler for long sleeps, timeouts and cron triggers. The Lambdas create the
 * schedules at run time in this group; each fires a message into the delay queue through a
 * role that may do nothing else.
 */
export class FerryTimers extends Construct {
  /** Name of the schedule group, `ferry-<stage>`. */
  readonly scheduleGroupName: string;
  /** The role schedules assume to send to the delay queue. */
  readonly schedulerRole: iam.Role;
  /** ARN pattern of every schedule in the group. */
  readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: FerryTimersProps) {
    super(scope, id);
    this.scheduleGroupName = `ferry-${props.stage}`;
    new scheduler.CfnScheduleGroup(this, "Group", { name: this.scheduleGroupName });
    this.schedulesArn = Stack.of(this).formatArn({
      service: "scheduler",
      resource: "schedule",
      resourceName: `${this.scheduleGroupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.schedulerRole = new iam.Role(this, "SchedulerRole", {
      // Confused-deputy guard: only Scheduler acting for this account may assume the role.
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: "Lets Ferry's schedules send timer messages to the delay queue, and nothing else",
    });
    // Not grantSendMessages: that adds GetQueueAttributes/GetQueueUrl, which a schedule never calls.
    this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.delayQueue.queueArn] }));
  }

  /** Lets `role` create, update, read and delete schedules in the group and pass the scheduler role. */
  grantManageSchedules(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: SCHEDULE_ACTIONS, resources: [this.schedulesArn] }));
    acknowledgeWildcardResources(role, [this.schedulesArn], "Schedules are created at run time, one per timer, with generated names; the wildcard covers only Ferry's own schedule group.");
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["iam:PassRole"],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      }),
    );
  }
}
