import { Match } from "aws-cdk-lib/assertions";
import { NON_HEX_CHARACTERS } from "../../lib/ferry-secrets";
import { actionsOf, at, logicalId, refId, resourcesOf, roleStatements, synthFerry, type SynthesizedFerry } from "./support/synth-ferry";
import type { CfnElement } from "aws-cdk-lib";

/** The data plane of a default engine: state, queues, bus, scheduler, secrets, HTTP API. */
describe("FerryEngine resources", () => {
  let ferry: SynthesizedFerry;
  beforeAll(() => {
    ferry = synthFerry();
  });

  describe("queues", () => {
    const queues = () => resourcesOf(ferry.template, "AWS::SQS::Queue");
    const deadLetterIds = () => new Set(Object.values(queues()).flatMap((q) => refId(at(q.Properties, "RedrivePolicy", "deadLetterTargetArn")) ?? []));

    it("has a FIFO run queue in high-throughput mode with a FIFO DLQ after 100 receives", () => {
      const runId = logicalId(ferry.stack, ferry.stack.engine.queues.run.queue.node.defaultChild as CfnElement);
      const run = queues()[runId];
      expect(run?.Properties).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: "messageGroup",
        FifoThroughputLimit: "perMessageGroupId",
        RedrivePolicy: { maxReceiveCount: 100 },
      });
      const dlqId = refId(at(run?.Properties, "RedrivePolicy", "deadLetterTargetArn"));
      expect(queues()[dlqId ?? ""]?.Properties).toMatchObject({ FifoQueue: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    });

    it("gives every queue but the DLQs a dead-letter queue, and keeps DLQ messages 14 days", () => {
      const dlqs = deadLetterIds();
      expect(dlqs.size).toBe(3);
      for (const [id, queue] of Object.entries(queues())) {
        if (dlqs.has(id)) expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
        else expect(at(queue.Properties, "RedrivePolicy", "deadLetterTargetArn")).toBeDefined();
      }
      const counts = Object.values(queues())
        .map((q) => at<number | undefined>(q.Properties, "RedrivePolicy", "maxReceiveCount"))
        .filter((c) => c !== undefined)
        .sort((a, b) => (a as number) - (b as number));
      expect(counts).toEqual([10, 20, 100]);
    });

    it("sets each consumed queue's visibility timeout to at least 6x its consumer's timeout", () => {
      const mappings = Object.values(resourcesOf(ferry.template, "AWS::Lambda::EventSourceMapping"));
      const functions = resourcesOf(ferry.template, "AWS::Lambda::Function");
      expect(mappings).toHaveLength(3);
      for (const mapping of mappings) {
        const queue = queues()[refId(mapping.Properties.EventSourceArn) ?? ""];
        const fn = functions[refId(mapping.Properties.FunctionName) ?? ""];
        expect(queue && fn).toBeTruthy();
        expect(queue?.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (fn?.Properties.Timeout as number));
        expect(mapping.Properties).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ["ReportBatchItemFailures"] });
      }
    });

    it("encrypts every queue with SQS-managed keys and denies non-TLS access", () => {
      for (const queue of Object.values(queues())) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const policies = Object.values(resourcesOf(ferry.template, "AWS::SQS::QueuePolicy"));
      const covered = new Set(policies.filter(deniesInsecureTransport).flatMap((p) => at<unknown[]>(p.Properties, "Queues").map(refId)));
      expect([...covered].sort()).toEqual(Object.keys(queues()).sort());
    });
  });

  describe("state", () => {
    it("has the table the store adapter expects, on demand, encrypted, with PITR, TTL and deletion protection", () => {
      ferry.template.hasResource("AWS::DynamoDB::Table", {
        DeletionPolicy: "Retain",
        Properties: {
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
          BillingMode: "PAY_PER_REQUEST",
          GlobalSecondaryIndexes: [
            {
              IndexName: "gsi1",
              KeySchema: [
                { AttributeName: "gsi1pk", KeyType: "HASH" },
                { AttributeName: "gsi1sk", KeyType: "RANGE" },
              ],
              Projection: { ProjectionType: "KEYS_ONLY" },
            },
          ],
          TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
        },
      });
    });

    it("has a private, encrypted, TLS-only payload bucket that expires payloads", () => {
      ferry.template.hasResource("AWS::S3::Bucket", {
        DeletionPolicy: "Retain",
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          LifecycleConfiguration: {
            Rules: [{ Id: "ferry-payload-expiry", Status: "Enabled", ExpirationInDays: 30, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
          },
        },
      });
      const policies = Object.values(resourcesOf(ferry.template, "AWS::S3::BucketPolicy"));
      expect(policies.filter(deniesInsecureTransport)).toHaveLength(1);
    });
  });

  describe("events", () => {
    it("names the bus ferry-<stage> and routes source=ferry to the route queue, with its DLQ and a day of retries", () => {
      ferry.template.hasResourceProperties("AWS::Events::EventBus", { Name: "ferry-test" });
      const routeQueue = logicalId(ferry.stack, ferry.stack.engine.queues.route.queue.node.defaultChild as CfnElement);
      const routeDlq = logicalId(ferry.stack, ferry.stack.engine.queues.route.deadLetterQueue.node.defaultChild as CfnElement);
      ferry.template.hasResourceProperties("AWS::Events::Rule", {
        EventBusName: { Ref: Match.anyValue() },
        EventPattern: { source: ["ferry"] },
        Targets: [
          {
            Arn: { "Fn::GetAtt": [routeQueue, "Arn"] },
            DeadLetterConfig: { Arn: { "Fn::GetAtt": [routeDlq, "Arn"] } },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          },
        ],
      });
    });
  });

  describe("scheduler", () => {
    it("has the schedule group ferry-<stage>", () => {
      ferry.template.hasResourceProperties("AWS::Scheduler::ScheduleGroup", { Name: "ferry-test" });
    });

    it("has a role only Scheduler of this account may assume, allowed only to send to the delay queue", () => {
      const roles = resourcesOf(ferry.template, "AWS::IAM::Role");
      const schedulerRoles = Object.entries(roles).filter(([, role]) =>
        at<Array<{ Principal: unknown }>>(role.Properties, "AssumeRolePolicyDocument", "Statement").some((s) => JSON.stringify(s.Principal).includes("scheduler")),
      );
      expect(schedulerRoles).toHaveLength(1);
      const [roleId, role] = schedulerRoles[0] as [string, (typeof roles)[string]];
      expect(at(role.Properties, "AssumeRolePolicyDocument", "Statement")).toEqual([
        {
          Action: "sts:AssumeRole",
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
        },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const delayQueue = logicalId(ferry.stack, ferry.stack.engine.queues.delay.queue.node.defaultChild as CfnElement);
      const statements = roleStatements(ferry.template, roleId);
      expect(statements).toEqual([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": [delayQueue, "Arn"] } }]);
      expect(statements.flatMap(actionsOf)).toEqual(["sqs:SendMessage"]);
    });
  });

  describe("secrets", () => {
    it("generates two {\"key\": <64 lowercase hex>} secrets whose alphabet is exactly 0-9a-f", () => {
      const secrets = Object.values(resourcesOf(ferry.template, "AWS::SecretsManager::Secret"));
      expect(secrets).toHaveLength(2);
      for (const secret of secrets) {
        const generate = at<Record<string, unknown>>(secret.Properties, "GenerateSecretString");
        expect(generate).toMatchObject({ SecretStringTemplate: "{}", GenerateStringKey: "key", PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
        // Secrets Manager's generator draws from printable ASCII (0x21-0x7e, space only when asked).
        const excluded = new Set(String(generate.ExcludeCharacters));
        const punctuation = /[!-/:-@[-`{-~]/;
        const alphabet = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
          (c) => !excluded.has(c) && !(generate.ExcludePunctuation && punctuation.test(c)) && !(generate.ExcludeUppercase && /[A-Z]/.test(c)),
        );
        expect(alphabet.join("")).toBe("0123456789abcdef");
        // Encrypted at rest with the account's aws/secretsmanager key (no customer key to manage).
        expect(secret.Properties.KmsKeyId).toBeUndefined();
      }
      expect(NON_HEX_CHARACTERS).not.toMatch(/[0-9a-f]/);
    });
  });

  describe("HTTP API", () => {
    it("routes POST /e/{eventKey} to ingest and everything else to api, payload format 2.0", () => {
      const routes = Object.values(resourcesOf(ferry.template, "AWS::ApiGatewayV2::Route")).map((r) => r.Properties.RouteKey);
      expect(routes.sort()).toEqual(["ANY /", "ANY /{proxy+}", "POST /e/{eventKey}"]);
      const integrations = Object.values(resourcesOf(ferry.template, "AWS::ApiGatewayV2::Integration"));
      expect(integrations).toHaveLength(2);
      for (const integration of integrations) expect(integration.Properties).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0" });
    });

    it("logs access as JSON without the path (it holds the event key), and throttles the default stage", () => {
      const [stage] = Object.values(resourcesOf(ferry.template, "AWS::ApiGatewayV2::Stage"));
      expect(stage?.Properties).toMatchObject({ StageName: "$default", AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 } });
      const format = JSON.parse(at<string>(stage?.Properties, "AccessLogSettings", "Format")) as Record<string, string>;
      expect(format).toMatchObject({ requestId: "$context.requestId", routeKey: "$context.routeKey", status: "$context.status" });
      expect(Object.values(format)).not.toContain("$context.path");
      expect(refId(at(stage?.Properties, "AccessLogSettings", "DestinationArn"))).toBeDefined();
    });
  });

  describe("the SDK's function URL", () => {
    const apiId = () => logicalId(ferry.stack, ferry.stack.engine.functions.api.node.defaultChild as CfnElement);

    it("puts a function URL (auth NONE: the Lambda checks the signing key) on the api Lambda alone, and outputs it as SdkApiUrl", () => {
      const urls = Object.entries(resourcesOf(ferry.template, "AWS::Lambda::Url"));
      expect(urls).toHaveLength(1);
      const [urlId, url] = urls[0] as [string, { Properties: Record<string, unknown> }];
      expect(url.Properties).toMatchObject({ AuthType: "NONE", InvokeMode: "BUFFERED", TargetFunctionArn: { "Fn::GetAtt": [apiId(), "Arn"] } });
      expect(ferry.template.toJSON().Outputs.SdkApiUrl.Value).toEqual({ "Fn::GetAtt": [urlId, "FunctionUrl"] });
      // Anyone may invoke it through the URL, and only through the URL.
      const permissions = Object.values(resourcesOf(ferry.template, "AWS::Lambda::Permission")).filter((p) => at(p.Properties, "Principal") === "*");
      expect(permissions.map((p) => p.Properties).sort((a, b) => String(a.Action).localeCompare(String(b.Action)))).toEqual([
        { Action: "lambda:InvokeFunction", FunctionName: { "Fn::GetAtt": [apiId(), "Arn"] }, InvokedViaFunctionUrl: true, Principal: "*" },
        { Action: "lambda:InvokeFunctionUrl", FunctionName: { "Fn::GetAtt": [apiId(), "Arn"] }, FunctionUrlAuthType: "NONE", Principal: "*" },
      ]);
    });

    it("with sdkFunctionUrl: false has none, and SdkApiUrl is the HTTP API's URL", () => {
      const without = synthFerry({ props: { sdkFunctionUrl: false } });
      expect(Object.keys(resourcesOf(without.template, "AWS::Lambda::Url"))).toEqual([]);
      const outputs = without.template.toJSON().Outputs;
      expect(outputs.SdkApiUrl.Value).toEqual(outputs.RestApiUrl.Value);
    });
  });
});

function deniesInsecureTransport(policy: { Properties: Record<string, unknown> }): boolean {
  return at<Array<Record<string, unknown>>>(policy.Properties, "PolicyDocument", "Statement").some(
    (s) => s.Effect === "Deny" && at(s, "Condition", "Bool", "aws:SecureTransport") === "false",
  );
}
