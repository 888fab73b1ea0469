import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";

/** Properties of {@link FerrySdkUrl}. */
export interface FerrySdkUrlProps {
  /** The api Lambda: registration, checkpoints and the REST API, each route checking the signing key. */
  readonly api: lambda.IFunction;
}

/**
 * A function URL on the api Lambda for what apps' SDKs send it: registration and, with
 * checkpointing, one report per step. Through the HTTP API each of those requests costs $1.00
 * per 1M on top of the invocation and counts against the stage's throttle; through a function
 * URL it costs the invocation alone. Its auth type is NONE, as the HTTP API's routes are: the
 * Lambda requires `Authorization: Bearer <hashed signing key>` on every route, which SDKs send
 * and IAM auth could not check (SDKs do not sign with SigV4).
 */
export class FerrySdkUrl extends Construct {
  /** The URL, ending in `/`: apps' `INNGEST_API_BASE_URL`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: FerrySdkUrlProps) {
    super(scope, id);
    const functionUrl = new lambda.FunctionUrl(this, "Url", {
      function: props.api,
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    this.url = functionUrl.url;
  }
}
