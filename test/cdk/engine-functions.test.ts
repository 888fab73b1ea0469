import type { CfnElement } from "aws-cdk-lib";
import { ENGINE_FUNCTION_NAMES, type EngineFunctionName } from "../../lib/engine-function-specs";
import { at, functionLogicalId, logicalId, refId, resourcesOf, roleActions, roleLogicalId, roleStatements, synthFerry, type SynthesizedFerry } from "./support/synth-ferry";

const BASE = ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"];
const TABLE = ["dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"];
const SCHEDULES = ["iam:PassRole", "scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"];
const PAYLOADS = ["s3:GetObject", "s3:ListBucket", "s3:PutObject"];
const CONSUME = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"];

/**
 * Every action each role may take, written out. A change to a role's permissions must change
 * this list: nothing new slips in with a refactor or a CDK upgrade.
 */
const EXPECTED_ACTIONS: Record<EngineFunctionName, string[]> = {
  ingest: [...BASE, ...TABLE, "events:PutEvents", "secretsmanager:GetSecretValue"],
  api: [...BASE, ...TABLE, "sqs:SendMessage", ...SCHEDULES, "events:PutEvents", ...PAYLOADS, "secretsmanager:GetSecretValue"],
  runner: [...BASE, ...TABLE, "sqs:SendMessage", ...SCHEDULES, "events:PutEvents", ...PAYLOADS, ...CONSUME],
  executor: [...BASE, ...TABLE, "sqs:SendMessage", ...SCHEDULES, "events:PutEvents", ...PAYLOADS, "secretsmanager:GetSecretValue", ...CONSUME],
  timer: [...BASE, ...TABLE, "sqs:SendMessage", ...SCHEDULES, ...CONSUME],
  appSync: [...BASE, "secretsmanager:GetSecretValue"],
};

const ENV_NAMES = [
  "FERRY_STAGE",
  "FERRY_TABLE",
  "FERRY_RUN_QUEUE_URL",
  "FERRY_DELAY_QUEUE_URL",
  "FERRY_DELAY_QUEUE_ARN",
  "FERRY_BUS_NAME",
  "FERRY_BUCKET",
  "FERRY_SCHEDULE_GROUP",
  "FERRY_SCHEDULER_ROLE_ARN",
  "FERRY_SIGNING_KEY_SECRET_ARN",
  "FERRY_EVENT_KEY_SECRET_ARN",
  "FERRY_PAYLOAD_THRESHOLD_BYTES",
  "FERRY_CHECKPOINTING",
  "POWERTOOLS_SERVICE_NAME",
  "POWERTOOLS_METRICS_NAMESPACE",
  "POWERTOOLS_LOG_LEVEL",
  "NODE_OPTIONS",
];

describe("FerryEngine functions", () => {
  let ferry: SynthesizedFerry;
  beforeAll(() => {
    ferry = synthFerry();
  });
  const fn = (name: EngineFunctionName) => resourcesOf(ferry.template, "AWS::Lambda::Function")[functionLogicalId(ferry.stack, name)];
  const env = (name: EngineFunctionName) => at<Record<string, unknown>>(fn(name)?.Properties, "Environment", "Variables");

  it("has exactly the six engine Lambdas, all nodejs22.x on arm64 with active tracing and JSON logs", () => {
    const functions = Object.values(resourcesOf(ferry.template, "AWS::Lambda::Function"));
    expect(functions).toHaveLength(6);
    for (const f of functions) {
      expect(f.Properties).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], TracingConfig: { Mode: "Active" }, LoggingConfig: { LogFormat: "JSON" } });
    }
    // No CDK-owned helper Lambdas: no custom resource providers, log retention or auto-delete.
    expect(Object.keys(ferry.template.toJSON().Resources as object).filter((id) => /Custom|Provider|LogRetention|AutoDelete/.test(id))).toEqual([]);
  });

  it("sizes each function from the one table of specs", () => {
    const sizes = Object.fromEntries(ENGINE_FUNCTION_NAMES.map((name) => [name, [fn(name)?.Properties.MemorySize, fn(name)?.Properties.Timeout]]));
    expect(sizes).toEqual({ ingest: [256, 15], api: [512, 29], runner: [512, 60], executor: [256, 300], timer: [256, 30], appSync: [128, 300] });
  });

  it("sends each function's logs to its own log group with the retention set", () => {
    const logGroups = resourcesOf(ferry.template, "AWS::Logs::LogGroup");
    const used = ENGINE_FUNCTION_NAMES.map((name) => refId(at(fn(name)?.Properties, "LoggingConfig", "LogGroup")) ?? "");
    expect(new Set(used).size).toBe(6);
    for (const id of used) expect(logGroups[id]?.Properties.RetentionInDays).toBe(30);
    for (const group of Object.values(logGroups)) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it("gives every function the engine's environment, and the app callers their call settings", () => {
    for (const name of ENGINE_FUNCTION_NAMES) {
      const vars = env(name);
      expect(Object.keys(vars)).toEqual(expect.arrayContaining(ENV_NAMES));
      expect(vars).toMatchObject({
        FERRY_STAGE: "test",
        FERRY_SCHEDULE_GROUP: "ferry-test",
        FERRY_PAYLOAD_THRESHOLD_BYTES: "65536",
        FERRY_CHECKPOINTING: "true",
        POWERTOOLS_SERVICE_NAME: "ferry",
        POWERTOOLS_METRICS_NAMESPACE: "Ferry",
        POWERTOOLS_LOG_LEVEL: "INFO",
        NODE_OPTIONS: "--enable-source-maps",
      });
    }
    expect(env("executor")).toMatchObject({ FERRY_CALL_TIMEOUT_MS: "290000" });
    expect(env("appSync")).toMatchObject({ FERRY_CALL_TIMEOUT_MS: "290000" });
    expect(env("api")).toMatchObject({ FERRY_CALL_TIMEOUT_MS: "19000" });
    for (const name of ["ingest", "runner", "timer"] as const) expect(env(name).FERRY_CALL_TIMEOUT_MS).toBeUndefined();
    const routeQueue = logicalId(ferry.stack, ferry.stack.engine.queues.route.queue.node.defaultChild as CfnElement);
    expect(env("runner").FERRY_ROUTE_QUEUE_URL).toEqual({ Ref: routeQueue });
    expect(ENGINE_FUNCTION_NAMES.filter((name) => env(name).FERRY_ROUTE_QUEUE_URL !== undefined)).toEqual(["runner"]);
  });

  it("gives each function a role of its own, with no managed policies", () => {
    const roleIds = ENGINE_FUNCTION_NAMES.map((name) => refId(fn(name)?.Properties.Role));
    expect(new Set(roleIds).size).toBe(6);
    expect(roleIds).toEqual(ENGINE_FUNCTION_NAMES.map((name) => roleLogicalId(ferry.stack, name)));
    for (const id of roleIds) {
      const role = resourcesOf(ferry.template, "AWS::IAM::Role")[id ?? ""];
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
      expect(at(role?.Properties, "AssumeRolePolicyDocument", "Statement", 0, "Principal")).toEqual({ Service: "lambda.amazonaws.com" });
    }
  });

  it.each(ENGINE_FUNCTION_NAMES)("allows the %s role exactly its expected actions", (name) => {
    expect(roleActions(ferry.template, roleLogicalId(ferry.stack, name))).toEqual([...EXPECTED_ACTIONS[name]].sort());
  });

  it("uses no wildcard resource but X-Ray's, which has no resource-level permissions", () => {
    for (const name of ENGINE_FUNCTION_NAMES) {
      const wildcards = roleStatements(ferry.template, roleLogicalId(ferry.stack, name)).filter((s) => s.Resource === "*");
      expect(wildcards.map((s) => s.Action)).toEqual([["xray:PutTelemetryRecords", "xray:PutTraceSegments"]]);
    }
  });
});
