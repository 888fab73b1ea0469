import { App, Duration, RemovalPolicy, Stack, type CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as events from "aws-cdk-lib/aws-events";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import type { FerryEngineProps } from "../../lib/engine-props";
import { FerryConfigError } from "../../lib/errors";
import { FerryEngine } from "../../lib/ferry-engine";
import { at, cdkJsonContext, refId, resourcesOf } from "./support/synth-ferry";

/** A FerryEngine in a plain user stack (the library use, not FerryStack), unbundled. */
function engineIn(props: FerryEngineProps | ((stack: Stack) => FerryEngineProps)) {
  const app = new App({ context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [], "@aws-cdk/core:validateAgainstDefaultRules": false } });
  const stack = new Stack(app, "UserStack");
  const engine = new FerryEngine(stack, "Ferry", typeof props === "function" ? props(stack) : props);
  return { stack, engine, template: () => Template.fromStack(stack) };
}

describe("FerryEngine props", () => {
  describe("validation", () => {
    const rejects = (props: FerryEngineProps, message: RegExp) => {
      let error: unknown;
      try {
        engineIn(props);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FerryConfigError);
      expect((error as Error).message).toMatch(message);
    };

    it.each([["Prod"], ["my_stage"], [""], ["a-very-long-stage-name-x"]])("rejects stage %j", (stage) => {
      rejects({ stage }, /^Ferry: invalid stage: .* must be 1-20 characters of a-z, 0-9 and "-"/);
    });

    it("rejects an executor concurrency below 2 (Lambda's SQS minimum) or above 1000", () => {
      rejects({ executorConcurrency: 1 }, /^Ferry: invalid executorConcurrency: 1 must be an integer from 2 to 1000$/);
      rejects({ executorConcurrency: 1001 }, /executorConcurrency: 1001 must be an integer from 2 to 1000/);
      rejects({ executorConcurrency: 2.5 }, /executorConcurrency/);
    });

    it("rejects executor timeouts outside 30 s to 15 min", () => {
      rejects({ executorTimeout: Duration.seconds(10) }, /executorTimeout: 10 seconds must be between 30 seconds and 15 minutes/);
      rejects({ executorTimeout: Duration.minutes(16) }, /executorTimeout/);
    });

    it("rejects out-of-range numbers and duplicate rule ids", () => {
      rejects({ payloadRetentionDays: 0 }, /payloadRetentionDays: 0 must be an integer from 1/);
      rejects({ payloadThresholdBytes: 400 * 1024 }, /payloadThresholdBytes: 409600 must be an integer from 1024 to 358400/);
      rejects({ failureRateThreshold: 1.5 }, /failureRateThreshold: 1.5 must be greater than 0 and less than 1/);
      rejects({ queueAgeThresholdSeconds: -1 }, /queueAgeThresholdSeconds/);
      rejects({ apiThrottle: { rateLimit: 0, burstLimit: 10 } }, /apiThrottle.rateLimit/);
      const rule = { id: "S3", eventPattern: { source: ["aws.s3"] } };
      rejects({ extraEventRules: [rule, rule] }, /extraEventRules: rule id "S3" is used twice/);
    });

    it("accepts the defaults and the edges", () => {
      expect(() => engineIn({})).not.toThrow();
      expect(() => engineIn({ stage: "a", executorConcurrency: 2, executorTimeout: Duration.seconds(30) })).not.toThrow();
    });
  });

  describe("every prop takes effect", () => {
    let built: ReturnType<typeof engineIn>;
    let template: Template;
    beforeAll(() => {
      built = engineIn((stack) => ({
        stage: "dev-1",
        logRetention: RetentionDays.ONE_WEEK,
        payloadRetentionDays: 7,
        payloadThresholdBytes: 32768,
        checkpointing: false,
        alarmTopic: new sns.Topic(stack, "Alarms"),
        executorTimeout: Duration.minutes(2),
        executorConcurrency: 50,
        removalPolicy: RemovalPolicy.DESTROY,
        deletionProtection: false,
        extraEventRules: [
          { id: "Uploads", eventPattern: { source: ["aws.s3"], detailType: ["Object Created"] } },
          { id: "Orders", eventPattern: { source: ["shop"] }, eventBus: events.EventBus.fromEventBusName(stack, "Shop", "shop") },
        ],
        failureRateThreshold: 0.5,
        queueAgeThresholdSeconds: 60,
        apiThrottle: { rateLimit: 10, burstLimit: 20 },
        serverAccessLogsBucket: new s3.Bucket(stack, "AccessLogs"),
      }));
      template = built.template();
    });
    const queueId = (which: "run" | "delay" | "route") => built.stack.getLogicalId(built.engine.queues[which].queue.node.defaultChild as CfnElement);
    const fnProps = (name: "executor" | "appSync" | "api") =>
      resourcesOf(template, "AWS::Lambda::Function")[built.stack.getLogicalId(built.engine.functions[name].node.defaultChild as CfnElement)]?.Properties;

    it("names the bus, schedule group and dashboard after the stage", () => {
      template.hasResourceProperties("AWS::Events::EventBus", { Name: "ferry-dev-1" });
      template.hasResourceProperties("AWS::Scheduler::ScheduleGroup", { Name: "ferry-dev-1" });
      template.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: "Ferry-dev-1" });
    });

    it("applies log retention, payload retention and threshold", () => {
      for (const group of Object.values(resourcesOf(template, "AWS::Logs::LogGroup"))) expect(group.Properties.RetentionInDays).toBe(7);
      template.hasResourceProperties("AWS::S3::Bucket", { LifecycleConfiguration: { Rules: [{ Id: "ferry-payload-expiry", ExpirationInDays: 7 }] } });
      expect(at(fnProps("executor"), "Environment", "Variables", "FERRY_PAYLOAD_THRESHOLD_BYTES")).toBe("32768");
    });

    it("turns checkpointing off for the executor and the api Lambda", () => {
      for (const name of ["executor", "api"] as const) expect(at(fnProps(name), "Environment", "Variables", "FERRY_CHECKPOINTING")).toBe("false");
    });

    it("derives the executor and app-sync timeouts, the call timeout and the run queue visibility from executorTimeout", () => {
      expect(fnProps("executor")?.Timeout).toBe(120);
      expect(fnProps("appSync")?.Timeout).toBe(120);
      expect(at(fnProps("executor"), "Environment", "Variables", "FERRY_CALL_TIMEOUT_MS")).toBe("110000");
      expect(resourcesOf(template, "AWS::SQS::Queue")[queueId("run")]?.Properties.VisibilityTimeout).toBe(720);
    });

    it("caps the executor's event source concurrency", () => {
      const mappings = Object.values(resourcesOf(template, "AWS::Lambda::EventSourceMapping"));
      const run = mappings.find((m) => refId(m.Properties.EventSourceArn) === queueId("run"));
      expect(run?.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 50 });
      expect(mappings.filter((m) => m.Properties.ScalingConfig !== undefined)).toHaveLength(1);
    });

    it("applies the removal policy and deletion protection to the stateful resources", () => {
      template.hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Delete", Properties: { DeletionProtectionEnabled: false } });
      for (const type of ["AWS::SecretsManager::Secret", "AWS::Logs::LogGroup"]) {
        for (const resource of Object.values(template.findResources(type))) expect(resource.DeletionPolicy).toBe("Delete");
      }
      const payloads = Object.values(template.findResources("AWS::S3::Bucket")).filter((b) => b.Properties?.LifecycleConfiguration);
      expect(payloads.map((b) => b.DeletionPolicy)).toEqual(["Delete"]);
    });

    it("routes the extra rules (default bus unless given) to the route queue", () => {
      const rules = Object.values(resourcesOf(template, "AWS::Events::Rule"));
      expect(rules).toHaveLength(3);
      for (const rule of rules) expect(refId(at(rule.Properties, "Targets", 0, "Arn"))).toBe(queueId("route"));
      const uploads = rules.find((r) => JSON.stringify(r.Properties.EventPattern).includes("aws.s3"));
      expect(uploads?.Properties.EventBusName).toBeUndefined();
      const orders = rules.find((r) => JSON.stringify(r.Properties.EventPattern).includes("shop"));
      expect(orders?.Properties.EventBusName).toBe("shop");
    });

    it("wires every alarm to the topic, with the thresholds given", () => {
      const alarms = Object.values(resourcesOf(template, "AWS::CloudWatch::Alarm"));
      expect(alarms).toHaveLength(7);
      const topicId = built.stack.getLogicalId(built.stack.node.findChild("Alarms").node.defaultChild as CfnElement);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      }
      expect(alarms.find((a) => String(a.Properties.AlarmName).endsWith("run-failure-rate"))?.Properties.Threshold).toBe(0.5);
      expect(alarms.find((a) => String(a.Properties.AlarmName).endsWith("run-queue-age"))?.Properties.Threshold).toBe(60);
    });

    it("throttles the API and logs payload bucket access to the given bucket", () => {
      template.hasResourceProperties("AWS::ApiGatewayV2::Stage", { DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } });
      const logsBucket = built.stack.getLogicalId(built.stack.node.findChild("AccessLogs").node.defaultChild as CfnElement);
      template.hasResourceProperties("AWS::S3::Bucket", { LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: "ferry-payloads/" } });
    });
  });
});
