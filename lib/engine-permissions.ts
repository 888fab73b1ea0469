import * as iam from "aws-cdk-lib/aws-iam";
import type { EngineFunctionName } from "./engine-function-specs";
import type { EngineResources } from "./engine-resources";
import { STATE_INDEX_NAME } from "./ferry-state";
import { acknowledgeWildcardResources } from "./nag-acknowledgements";

/** What a Ferry Lambda may do, in the engine's terms; each maps to a least-privilege grant. */
export type Capability = "state" | "enqueue" | "schedule" | "publish" | "payloads" | "signingKey" | "eventKey";

/** DynamoDB actions of the store adapter: single-item conditional writes, queries, batch reads. */
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:BatchGetItem",
];

/**
 * Which capabilities each function has. Consuming its own queue is granted by the event source;
 * calling IAM-authenticated app URLs by `FerryEngine.allowIamApp`.
 */
export const FUNCTION_CAPABILITIES = {
  ingest: ["state", "publish", "eventKey"],
  api: ["state", "enqueue", "schedule", "publish", "payloads", "signingKey", "eventKey"],
  // The runner may re-publish foreign events (from extra rules) onto Ferry's bus.
  runner: ["state", "enqueue", "schedule", "publish", "payloads"],
  executor: ["state", "enqueue", "schedule", "publish", "payloads", "signingKey"],
  timer: ["state", "enqueue", "schedule"],
  appSync: ["signingKey"],
} as const satisfies Record<EngineFunctionName, readonly Capability[]>;

type Grant = (resources: EngineResources, role: iam.Role) => void;

const allow = (role: iam.Role, actions: string[], resources: string[]) => role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));

// Explicit statements rather than the L2 grant helpers: those add actions Ferry never calls
// (DescribeSecret, GetQueueAttributes, DeleteObject, Scan, ...), and the role tests pin the list.
const GRANTS = {
  // The one index by name, not `index/*`.
  state: ({ state }, role) => allow(role, TABLE_ACTIONS, [state.table.tableArn, `${state.table.tableArn}/index/${STATE_INDEX_NAME}`]),
  // The run queue carries transitions, the delay queue the last minute of a timer.
  enqueue: ({ queues }, role) => allow(role, ["sqs:SendMessage"], [queues.run.queue.queueArn, queues.delay.queue.queueArn]),
  schedule: ({ timers }, role) => timers.grantManageSchedules(role),
  publish: ({ bus }, role) => allow(role, ["events:PutEvents"], [bus.bus.eventBusArn]),
  payloads: ({ state }, role) => {
    const objects = state.bucket.arnForObjects("*");
    allow(role, ["s3:GetObject", "s3:PutObject"], [objects]);
    acknowledgeWildcardResources(role, [objects], "Payload object keys are made per payload at run time; the wildcard covers only objects of Ferry's own payload bucket.");
    // ListBucket turns a missing payload into a 404 instead of a 403 the adapter cannot tell apart.
    allow(role, ["s3:ListBucket"], [state.bucket.bucketArn]);
  },
  signingKey: ({ secrets }, role) => allow(role, ["secretsmanager:GetSecretValue"], [secrets.signingKey.secretArn]),
  eventKey: ({ secrets }, role) => allow(role, ["secretsmanager:GetSecretValue"], [secrets.eventKey.secretArn]),
} satisfies Record<Capability, Grant>;

/** Grants `role` everything function `name` needs on the engine's resources. */
export function grantCapabilities(name: EngineFunctionName, resources: EngineResources, role: iam.Role): void {
  for (const capability of FUNCTION_CAPABILITIES[name]) GRANTS[capability](resources, role);
}
