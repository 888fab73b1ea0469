import type { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { callEnvironment, engineEnvironment } from "./engine-environment";
import { EngineFunction } from "./engine-function";
import { ENGINE_FUNCTION_NAMES, ENGINE_FUNCTION_SPECS, functionTimeout, SQS_BATCH_SIZE, type EngineFunctionName, type EngineFunctionSpec } from "./engine-function-specs";
import { grantCapabilities } from "./engine-permissions";
import type { EngineResources } from "./engine-resources";
import { pascalCase } from "./names";

/** Properties of {@link FerryFunctions}. */
export interface FerryFunctionsProps {
  /** The resources the functions work on. */
  readonly resources: EngineResources;
  /** Timeout of the executor (and app-sync, which makes the same app call). */
  readonly executorTimeout: Duration;
  /**
   * Maximum concurrency of the run queue's event source.
   * @default - no cap
   */
  readonly executorConcurrency?: number;
  /** Payloads above this size go to S3. */
  readonly payloadThresholdBytes: number;
  /** Whether SDKs may report steps through the checkpoint API. */
  readonly checkpointing: boolean;
  /** Retention of every function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the log groups when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The six Lambdas of the engine, each with its own role granted only what it uses, and the
 * three queue consumers wired to their queues (batches of 10, partial batch failures reported).
 */
export class FerryFunctions extends Construct {
  /** Every function by name. */
  readonly functions: Readonly<Record<EngineFunctionName, EngineFunction>>;
  private readonly iamApps: lambda.IFunction[] = [];

  constructor(scope: Construct, id: string, props: FerryFunctionsProps) {
    super(scope, id);
    const { resources } = props;
    const shared = engineEnvironment(resources, { payloadThresholdBytes: props.payloadThresholdBytes, checkpointing: props.checkpointing });
    const functions = {} as Record<EngineFunctionName, EngineFunction>;
    for (const name of ENGINE_FUNCTION_NAMES) {
      const spec: EngineFunctionSpec = ENGINE_FUNCTION_SPECS[name];
      const timeout = functionTimeout(name, props.executorTimeout);
      const consumed = spec.consumes === undefined ? undefined : resources.queues[spec.consumes].queue;
      const fn = new EngineFunction(this, pascalCase(name), {
        entryFile: spec.entryFile,
        memorySize: spec.memorySize,
        timeout,
        description: spec.description,
        environment: {
          ...shared,
          ...(spec.callsApps ? callEnvironment(timeout) : {}),
          // Only the runner is told of its queue: it backs off failed events on it.
          ...(spec.consumes === "route" ? { FERRY_ROUTE_QUEUE_URL: resources.queues.route.queue.queueUrl } : {}),
        },
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });
      grantCapabilities(name, resources, fn.role);
      if (consumed) {
        const maxConcurrency = spec.consumes === "run" ? props.executorConcurrency : undefined;
        fn.function.addEventSource(new SqsEventSource(consumed, { batchSize: SQS_BATCH_SIZE, reportBatchItemFailures: true, maxConcurrency }));
      }
      functions[name] = fn;
    }
    this.functions = functions;
  }

  /** Every function's Lambda by name. */
  get lambdas(): Readonly<Record<EngineFunctionName, lambda.IFunction>> {
    const lambdas = {} as Record<EngineFunctionName, lambda.IFunction>;
    for (const name of ENGINE_FUNCTION_NAMES) lambdas[name] = this.functions[name].function;
    return lambdas;
  }

  /**
   * Lets every function that calls apps (executor, app-sync, api) call `fn`'s function URL with
   * SigV4. A second call for `fn` is a no-op.
   */
  allowIamApp(fn: lambda.IFunction): void {
    if (this.iamApps.includes(fn)) return;
    this.iamApps.push(fn);
    for (const name of ENGINE_FUNCTION_NAMES) {
      if ((ENGINE_FUNCTION_SPECS[name] as EngineFunctionSpec).callsApps) grantInvokeUrl(this.functions[name].role, fn);
    }
  }
}

/**
 * `lambda:InvokeFunctionUrl` for AWS_IAM URLs and, as AWS requires for function URLs created
 * since October 2025, `lambda:InvokeFunction` only through a function URL. The same statements
 * as `fn.grantInvokeUrl`, but always on the caller's role: that helper tries the function's
 * resource policy for an imported function and throws. A function in another account must also
 * allow the role in its own resource policy.
 */
function grantInvokeUrl(role: iam.Role, fn: lambda.IFunction): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["lambda:InvokeFunctionUrl"],
      resources: [fn.functionArn],
      conditions: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["lambda:InvokeFunction"],
      resources: [fn.functionArn],
      conditions: { Bool: { "lambda:InvokedViaFunctionUrl": "true" } },
    }),
  );
}
