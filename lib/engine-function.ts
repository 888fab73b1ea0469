import * as path from "node:path";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** Where the Lambda handlers live, relative to this file (never imported: bundled by path). */
export const LAMBDAS_DIR = path.join(__dirname, "..", "lambdas");

/** Properties of an {@link EngineFunction}. */
export interface EngineFunctionProps {
  /** Handler file name under `lambdas/`, e.g. `executor.ts`; it exports `handler`. */
  readonly entryFile: string;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Timeout of one invocation. */
  readonly timeout: Duration;
  /** Environment variables (on top of `NODE_OPTIONS`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Shown in the Lambda console.
   * @default - none
   */
  readonly description?: string;
}

/**
 * One Ferry Lambda, the only way `lib/` makes one, so every function shares runtime,
 * architecture, tracing, JSON logs and bundling. Its role starts with nothing but writing to its
 * own log group (no `AWSLambdaBasicExecutionRole`: that allows every log group in the account);
 * the engine grants the rest, per function.
 */
export class EngineFunction extends Construct {
  /** The function. */
  readonly function: nodejs.NodejsFunction;
  /** Its execution role, used by this function only. */
  readonly role: iam.Role;
  /** Its log group, created here with a retention (no `logRetention` custom resource). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EngineFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, "Function", {
      entry: path.join(LAMBDAS_DIR, props.entryFile),
      handler: "handler",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment, NODE_OPTIONS: "--enable-source-maps" },
      bundling: {
        // Local esbuild (a devDependency): synth needs no Docker, and CI bundles like a laptop.
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        target: "node22",
        format: nodejs.OutputFormat.CJS,
        // The runtime ships SDK v3; Powertools and @smithy/signature-v4 are bundled, so no layers.
        externalModules: ["@aws-sdk/*"],
        // Warnings and errors only: the size listing of six bundles buries synth's own output.
        logLevel: nodejs.LogLevel.WARNING,
      },
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: "Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.",
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x on purpose: the bundles target node22 and are tested on it; moving to a newer runtime is a deliberate change " +
        "of EngineFunction's runtime together with the esbuild target, not something a deploy should pick up.",
    });
  }
}
