import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Stack, Validations, type CfnElement, type Environment } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type * as iam from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import type { EngineFunctionName } from "../../../lib/engine-function-specs";
import { FerryStack, type FerryStackProps } from "../../../lib/ferry-stack";

/** The context `cdk synth` runs with: the feature flags of `cdk.json`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, "../../../cdk.json"), "utf8")) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** How to build the stack under test. */
export interface SynthOptions {
  /** Stack props on top of `{ stage: "test" }`. */
  props?: FerryStackProps;
  /** Bundle the Lambdas with esbuild (slow-ish); off, the assets are left unbundled. */
  bundle?: boolean;
  /**
   * Run CDK's built-in CloudFormation template validation (cdk.json turns it on, so `cdk synth`
   * runs it). Its engine takes about 3 s to start in every test file, so only the suites about
   * validation ask for it.
   */
  validateTemplates?: boolean;
  /** Adds constructs (apps, topics) to the stack before synthesis. */
  extend?: (stack: FerryStack) => void;
}

/** A synthesized Ferry stack. */
export interface SynthesizedFerry {
  app: App;
  stack: FerryStack;
  template: Template;
}

/**
 * Builds a `FerryStack` in an app configured like `bin/ferry.ts` (cdk.json's feature flags, the
 * AWS Solutions checks as a validation plugin, so a finding fails synthesis here too) and
 * synthesizes it once.
 */
export function synthFerry(options: SynthOptions = {}): SynthesizedFerry {
  const context = {
    ...cdkJsonContext(),
    ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
    ...(options.validateTemplates ? {} : { "@aws-cdk/core:validateAgainstDefaultRules": false }),
  };
  const app = new App({ context });
  const stack = new FerryStack(app, "Ferry-test", { stage: "test", ...options.props });
  options.extend?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
}

/** A fixed account and region, as `cdk synth` gets them from the CLI. */
export const TEST_ENV: Environment = { account: "123456789012", region: "eu-west-1" };

/** Logical id of a construct's CloudFormation resource. */
export function logicalId(stack: Stack, element: CfnElement): string {
  return stack.getLogicalId(element);
}

/** Logical id of an engine function's execution role. */
export function roleLogicalId(stack: FerryStack, name: EngineFunctionName): string {
  const role = stack.engine.functions[name].role as iam.Role;
  return logicalId(stack, role.node.defaultChild as CfnElement);
}

/** Logical id of an engine function. */
export function functionLogicalId(stack: FerryStack, name: EngineFunctionName): string {
  return logicalId(stack, stack.engine.functions[name].node.defaultChild as CfnElement);
}

/** A template resource. */
export interface CfnJson {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

/** Every resource of `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnJson> {
  return template.findResources(type) as Record<string, CfnJson>;
}

/** The value at `path` inside a template value (`undefined` when a step is missing). */
export function at<T = unknown>(value: unknown, ...path: Array<string | number>): T {
  let current: unknown = value;
  for (const key of path) current = typeof current === "object" && current !== null ? (current as Record<string | number, unknown>)[key] : undefined;
  return current as T;
}

/** `{ Ref: id }` or `{ "Fn::GetAtt": [id, attr] }` -> id. */
export function refId(value: unknown): string | undefined {
  const ref = at(value, "Ref");
  if (typeof ref === "string") return ref;
  const getAtt = at(value, "Fn::GetAtt", 0);
  return typeof getAtt === "string" ? getAtt : undefined;
}

/** One IAM policy statement. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** The IAM statements of every policy attached to `roleId` (separate policies and inline ones). */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = resourcesOf(template, "AWS::IAM::Role")[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const attached = Object.values(resourcesOf(template, "AWS::IAM::Policy"))
    .filter((policy) => at<unknown[]>(policy.Properties, "Roles").some((r) => refId(r) === roleId))
    .map((policy) => policy.Properties.PolicyDocument);
  const inline = at<Array<{ PolicyDocument: unknown }> | undefined>(role.Properties, "Policies") ?? [];
  return [...attached, ...inline.map((p) => p.PolicyDocument)].flatMap((doc) => at<Statement[]>(doc, "Statement"));
}

/** A statement's actions as a list. */
export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Sorted, deduplicated actions a role is allowed. */
export function roleActions(template: Template, roleId: string): string[] {
  const actions = roleStatements(template, roleId)
    .filter((s) => s.Effect === "Allow")
    .flatMap(actionsOf);
  return [...new Set(actions)].sort();
}
