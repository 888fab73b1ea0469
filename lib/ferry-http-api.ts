import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { ApiThrottle } from "./engine-props";

/** Properties of {@link FerryHttpApi}. */
export interface FerryHttpApiProps {
  /** Deployment stage; the API is named `ferry-<stage>`. */
  readonly stage: string;
  /** Handles `POST /e/{eventKey}`. */
  readonly ingest: lambda.IFunction;
  /** Handles every other route. */
  readonly api: lambda.IFunction;
  /** Default stage throttling. */
  readonly throttle: ApiThrottle;
  /** Retention of the access log group. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the access log group when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Access log line. `routeKey`, never `path`: the path holds the event key (`/e/<key>`), and a
 * secret does not belong in logs.
 */
const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
};

/**
 * One HTTP API for the event API (`POST /e/{eventKey}` to ingest) and the REST API (everything
 * else to api). Both authorize in the Lambda, as the Inngest protocol defines it: the event key
 * in the path, `Authorization: Bearer <hashed signing key>` on the rest.
 */
export class FerryHttpApi extends Construct {
  /** The HTTP API. */
  readonly httpApi: apigw.HttpApi;
  /** Its `$default` stage. */
  readonly stage: apigw.HttpStage;
  /** Base URL, ending in `/`; events go to `<url>e/<eventKey>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: FerryHttpApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, "Api", { apiName: `ferry-${props.stage}`, createDefaultStage: false });
    const accessLogs = new logs.LogGroup(this, "AccessLogs", { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = this.httpApi.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;

    const options = { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 };
    const ingest = new HttpLambdaIntegration("Ingest", props.ingest, options);
    const api = new HttpLambdaIntegration("Api", props.api, options);
    const routes = [
      ...this.httpApi.addRoutes({ path: "/e/{eventKey}", methods: [apigw.HttpMethod.POST], integration: ingest }),
      ...this.httpApi.addRoutes({ path: "/{proxy+}", methods: [apigw.HttpMethod.ANY], integration: api }),
      ...this.httpApi.addRoutes({ path: "/", methods: [apigw.HttpMethod.ANY], integration: api }),
    ];
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          "Authorization happens in the Lambda, as the Inngest protocol defines it: the event key in the path of POST /e/{eventKey}, " +
          "and Authorization: Bearer <hashed signing key> on every other route (an API Gateway authorizer cannot check either).",
      });
    }
  }
}
