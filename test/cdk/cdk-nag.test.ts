import { App, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { FerryApp } from "../../lib/ferry-app";
import { FerryStack } from "../../lib/ferry-stack";
import { cdkJsonContext, synthFerry, TEST_ENV, type SynthesizedFerry } from "./support/synth-ferry";

/** Every acknowledgement recorded below `root`: rule id (logical ids masked) and reason. */
function acknowledgements(root: IConstruct): Array<{ id: string; reason: string }> {
  return root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => ({ id: id.replace(/^Annotation::/i, ""), reason }));
}

/**
 * The AWS Solutions pack, run the way cdk-nag 3 runs: as a policy validation plugin over the
 * construct tree. v3 reports findings in the validation report (and fails synthesis), not as
 * annotations, so the pack's `validateScope` is asked directly for the readable list.
 */
describe("cdk-nag AwsSolutions", () => {
  let ferry: SynthesizedFerry;
  beforeAll(() => {
    // Synthesis itself runs both validation plugins, cdk-nag and CDK's CloudFormation checks
    // (cdk.json turns those on): a finding of either fails here.
    ferry = synthFerry({
      validateTemplates: true,
      extend: (stack) => {
        new FerryApp(stack, "Shop", { engine: stack.engine, url: "https://shop.example.com/api/inngest", syncToken: "v1" });
        new FerryApp(stack, "Billing", {
          engine: stack.engine,
          url: "https://abc.lambda-url.eu-west-1.on.aws/",
          function: lambda.Function.fromFunctionArn(stack, "BillingServe", "arn:aws:lambda:eu-west-1:123456789012:function:billing"),
        });
      },
    });
  });

  it("finds nothing unacknowledged in an environment-agnostic stack with apps (errors or warnings)", () => {
    const report = new AwsSolutionsChecks().validateScope(ferry.app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("finds nothing unacknowledged in a stack with a concrete account and region (as `cdk synth` builds it)", () => {
    const app = new App({ context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [], "@aws-cdk/core:validateAgainstDefaultRules": false } });
    new FerryStack(app, "Ferry-prod", { env: TEST_ENV });
    expect(new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it("leaves no error or warning annotation on the stack (cdk-nag's or CDK's own, e.g. deprecations)", () => {
    // cdk-nag 3 reports through the validation plugin, not annotations; this catches CDK's own.
    const annotations = Annotations.fromStack(ferry.stack);
    expect(annotations.findError("*", Match.anyValue())).toEqual([]);
    expect(annotations.findWarning("*", Match.anyValue())).toEqual([]);
  });

  it("acknowledges only these rules, each with a reason", () => {
    const acks = acknowledgements(ferry.app);
    const ruleIds = [...new Set(acks.map((a) => a.id.replace(/<[^>]*>/g, "<id>")))].sort();
    expect(ruleIds).toEqual([
      "AwsSolutions-APIG4",
      "AwsSolutions-IAM5[Resource::*]",
      "AwsSolutions-IAM5[Resource::<id>/*]",
      "AwsSolutions-IAM5[Resource::arn:<id>:scheduler:<id>:<id>:schedule/ferry-test/*]",
      "AwsSolutions-L1",
      "AwsSolutions-S1",
      "AwsSolutions-SMG4",
    ]);
    for (const { id, reason } of acks) {
      expect(`${id}: ${reason}`).toMatch(new RegExp(`^${escape(id)}: \\S.{40,}`));
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
