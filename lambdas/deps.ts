import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { FerryError, type FunctionCaller } from "../core";
import { createAwsEngine, sameConnection, type AwsEngine } from "../adapters/aws/aws-engine";
import { functionUrlSigner, lambdaEnvCredentials } from "../adapters/aws/sigv4-signer";
import { HttpFunctionCaller } from "../adapters/http/function-caller";
import { readLambdaConfig, type LambdaConfig } from "./environment";
import { createTelemetry, METRICS, telemetryObserver, type Telemetry } from "./telemetry";

/** What a Ferry Lambda handler is built from. Tests build it on the offline test bed. */
export interface LambdaDeps {
  config: LambdaConfig;
  engine: AwsEngine;
  telemetry: Telemetry;
}

/** What a Lambda needs beyond the engine. */
export interface LambdaDepsOptions {
  /**
   * The signing key, for a Lambda that calls apps (the executor). Without it the engine's
   * caller refuses: only the executor holds the key and calls apps.
   */
  signingKey?: string;
}

/**
 * The engine on the deployment's resources, as named by the environment the stack sets. The
 * AWS SDK finds credentials, and (for the offline bed and `ferry aws-local`) endpoints through
 * its own `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same bundle runs on AWS and offline.
 */
export function awsDeps(env: NodeJS.ProcessEnv, options: LambdaDepsOptions = {}): LambdaDeps {
  const config = readLambdaConfig(env);
  const telemetry = createTelemetry(config.stage);
  const clock = { now: () => Date.now() };
  const caller: FunctionCaller = options.signingKey
    ? new HttpFunctionCaller({
        signingKey: options.signingKey,
        serverKind: "cloud",
        timeoutMs: config.callTimeoutMs,
        signRequest: functionUrlSigner({ region: config.region, credentials: lambdaEnvCredentials(env) }),
      })
    : refusingCaller;
  const connection = sameConnection({ region: config.region });
  // s3rver (offline) serves buckets by path, not by host name.
  if (env.FERRY_S3_FORCE_PATH_STYLE === "true") connection.s3 = { ...connection.s3, forcePathStyle: true };
  const engine = createAwsEngine({
    resources: config.resources,
    connections: connection,
    caller,
    clock,
    settings: { env: config.stage, payloadThresholdBytes: config.payloadThresholdBytes, checkpointing: config.checkpointing },
    observer: telemetryObserver(telemetry),
    // How late timer firings arrive: Scheduler's minute granularity and the SQS delay show here.
    consumer: { onFiring: (firing, now) => telemetry.metrics.addMetric(METRICS.timerLateness, MetricUnit.Milliseconds, Math.max(0, now - firing.at)) },
    instrumentClient: (client) => telemetry.tracer.captureAWSv3Client(client),
  });
  return { config, engine, telemetry };
}

const refusingCaller: FunctionCaller = {
  call: () => Promise.reject(new FerryError("this Lambda does not call apps; only the executor holds the signing key")),
};
