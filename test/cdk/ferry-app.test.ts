import type { CfnElement } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { FerryApp } from "../../lib/ferry-app";
import type { FerryStack } from "../../lib/ferry-stack";
import { functionLogicalId, resourcesOf, roleLogicalId, roleStatements, synthFerry, type SynthesizedFerry } from "./support/synth-ferry";

const IAM_APP_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:shop-serve";

describe("FerryApp", () => {
  let ferry: SynthesizedFerry;
  let iamApp: lambda.IFunction;
  beforeAll(() => {
    ferry = synthFerry({
      extend: (stack: FerryStack) => {
        new FerryApp(stack, "Shop", { engine: stack.engine, url: "https://shop.example.com/api/inngest", syncToken: "v1" });
        iamApp = lambda.Function.fromFunctionArn(stack, "ShopServe", IAM_APP_ARN);
        new FerryApp(stack, "Billing", { engine: stack.engine, url: "https://abc.lambda-url.eu-west-1.on.aws/api/inngest", function: iamApp });
        // Registering the same function again adds nothing.
        stack.engine.allowIamApp(iamApp);
      },
    });
  });
  const syncs = () => resourcesOf(ferry.template, "Custom::FerryAppSync");

  it("creates one Custom::FerryAppSync per app, served directly by the app-sync function", () => {
    const appSync = functionLogicalId(ferry.stack, "appSync");
    const props = Object.values(syncs()).map((r) => r.Properties);
    expect(props).toHaveLength(2);
    expect(props).toContainEqual({ ServiceToken: { "Fn::GetAtt": [appSync, "Arn"] }, Url: "https://shop.example.com/api/inngest", IamAuth: "false", SyncToken: "v1" });
    const billing = props.find((p) => p.IamAuth === "true");
    expect(billing).toMatchObject({ ServiceToken: { "Fn::GetAtt": [appSync, "Arn"] }, Url: "https://abc.lambda-url.eu-west-1.on.aws/api/inngest" });
    // The default token is the synth time, so every deploy syncs again.
    expect(Number.isNaN(Date.parse(String(billing?.SyncToken)))).toBe(false);
  });

  it("adds no Lambda permission and no provider: CloudFormation invokes app-sync with the deployer's credentials", () => {
    expect(Object.keys(resourcesOf(ferry.template, "AWS::Lambda::Permission")).filter((id) => /AppSync/.test(id))).toEqual([]);
    expect(Object.values(resourcesOf(ferry.template, "AWS::Lambda::Function"))).toHaveLength(6);
  });

  it("syncs only after the whole engine exists (the app registers through Ferry's API)", () => {
    const [sync] = Object.values(ferry.template.findResources("Custom::FerryAppSync"));
    const dependsOn = (sync?.DependsOn ?? []) as string[];
    const route = Object.keys(resourcesOf(ferry.template, "AWS::ApiGatewayV2::Route"))[0] as string;
    const stage = Object.keys(resourcesOf(ferry.template, "AWS::ApiGatewayV2::Stage"))[0] as string;
    const table = ferry.stack.getLogicalId(ferry.stack.engine.table.node.defaultChild as CfnElement);
    expect(dependsOn).toEqual(expect.arrayContaining([route, stage, table]));
  });

  it("lets the app callers (executor, app-sync, api) invoke an AWS_IAM app's URL, and only through its URL", () => {
    for (const name of ["executor", "appSync", "api"] as const) {
      const statements = roleStatements(ferry.template, roleLogicalId(ferry.stack, name)).filter((s) => s.Resource === IAM_APP_ARN);
      expect(statements).toEqual([
        { Effect: "Allow", Action: "lambda:InvokeFunctionUrl", Resource: IAM_APP_ARN, Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } } },
        { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: IAM_APP_ARN, Condition: { Bool: { "lambda:InvokedViaFunctionUrl": "true" } } },
      ]);
    }
    for (const name of ["ingest", "runner", "timer"] as const) {
      expect(JSON.stringify(roleStatements(ferry.template, roleLogicalId(ferry.stack, name)))).not.toContain("lambda:Invoke");
    }
  });

});

describe("FerryStack appUrls", () => {
  it("registers each URL once, with an id that does not depend on the order", () => {
    const ids = (appUrls: string[]) => {
      const { template } = synthFerry({ props: { appUrls } });
      return Object.entries(resourcesOf(template, "Custom::FerryAppSync"))
        .map(([id, r]) => `${id} ${String(r.Properties.Url)}`)
        .sort();
    };
    const forward = ids(["https://a.example.com/api/inngest", "https://b.example.com/api/inngest", "https://a.example.com/api/inngest"]);
    expect(forward).toHaveLength(2);
    expect(ids(["https://b.example.com/api/inngest", "https://a.example.com/api/inngest"])).toEqual(forward);
  });
});
