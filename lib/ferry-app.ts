import { CustomResource } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import type { FerryEngine } from "./ferry-engine";

/** CloudFormation type of the app registration resource. */
export const APP_SYNC_RESOURCE_TYPE = "Custom::FerryAppSync";

/** Properties of a {@link FerryApp}. */
export interface FerryAppProps {
  /** The engine the app registers with. */
  readonly engine: FerryEngine;
  /** The app's serve endpoint, e.g. `https://shop.example.com/api/inngest`. */
  readonly url: string;
  /**
   * The Lambda behind `url` when it is a function URL with AWS_IAM auth: Ferry then signs its
   * calls with SigV4 and is granted `lambda:InvokeFunctionUrl` on it.
   * @default - a public URL, authenticated by the signing key only
   */
  readonly function?: lambda.IFunction;
  /**
   * Any value that changes whenever the app should sync again.
   * @default - the synth time, so every deploy re-syncs (functions may change without the URL)
   */
  readonly syncToken?: string;
}

/**
 * Registers an app with the engine on deploy, the way `ferry dev` does: the app-sync Lambda
 * PUTs the app's URL, which makes the app report its functions. A plain `CustomResource` whose
 * service token is the app-sync function itself, so no provider-framework Lambdas are added;
 * CloudFormation invokes it with the deployer's credentials, so it needs no resource policy.
 */
export class FerryApp extends Construct {
  /** The registration resource. */
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: FerryAppProps) {
    super(scope, id);
    if (props.function) props.engine.allowIamApp(props.function);
    this.resource = new CustomResource(this, "Sync", {
      serviceToken: props.engine.appSyncFunction.functionArn,
      resourceType: APP_SYNC_RESOURCE_TYPE,
      properties: {
        Url: props.url,
        IamAuth: props.function ? "true" : "false",
        SyncToken: props.syncToken ?? new Date().toISOString(),
      },
    });
    // The app answers a sync by registering through Ferry's API: sync only once all of the
    // engine (API routes, table, queues) exists, not merely the app-sync function.
    this.resource.node.addDependency(props.engine);
  }
}
