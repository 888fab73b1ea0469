#!/usr/bin/env node
/**
 * The CDK app of Ferry's production deployment: `npx cdk deploy -c stage=prod`.
 *
 * Context: `stage` (default "prod"), `apps` (comma-separated public serve URLs to register on
 * every deploy), `alarmTopicArn` (an SNS topic every alarm notifies). Synth needs no AWS
 * credentials: the stack is environment-agnostic unless the CLI provides
 * `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { FerryStack } from "../lib/ferry-stack";

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === "string" && value !== "" ? value : undefined;
};
const stage = context("stage") ?? "prod";
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

new FerryStack(app, `Ferry-${stage}`, {
  stage,
  env: account || region ? { account, region } : undefined,
  appUrls: context("apps")
    ?.split(",")
    .map((url) => url.trim())
    .filter((url) => url !== ""),
  alarmTopicArn: context("alarmTopicArn"),
});
// Every synth runs the AWS Solutions checks: a finding not acknowledged in code, with a reason,
// fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
