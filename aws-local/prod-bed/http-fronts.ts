import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { HttpApiEmulator, type HttpApiEmulatorOptions } from "../http-api-emulator";
import type { LambdaHost } from "../lambda-host/lambda-host";
import { resourcesOfType, type SynthesizedStack } from "./cloud-assembly";
import { resolveString, type IntrinsicLookup } from "./intrinsics";
import type { RequestCounter } from "./request-counter";

/** The stack's HTTP doors on loopback: its HTTP API, and a front per function URL. */
export interface HttpFronts {
  /** The HTTP API's URL, ending with `/`. */
  apiUrl: string;
  /** Each function URL (ending with `/`), by the logical id of the function it invokes. */
  functionUrls: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Serves the stack's HTTP API (its routes, each to its integration's function; counted as an
 * API Gateway request and an invocation) on `port`, and each function URL it declares on a
 * port of its own (one catch-all route, payload format 2.0 as well, counted as the invocation
 * alone, and as slow as the function's timeout allows). `front` stands before all of them.
 */
export async function standUpHttpFronts(
  stack: SynthesizedStack,
  wiring: { functionsById: Map<string, LambdaHost>; lookup: IntrinsicLookup; counter: RequestCounter },
  options: { port?: number; host?: string; front?: HttpApiEmulatorOptions["front"] },
): Promise<HttpFronts> {
  const { functionsById, lookup, counter } = wiring;
  const props = (id: string) => (stack.resources[id]?.Properties ?? {}) as Record<string, unknown>;
  const functionOf = (arn: string, what: string): [string, LambdaHost] =>
    [...functionsById.entries()].find(([id]) => arn.endsWith(`:function:${id}`)) ?? fail(`${what} invokes no known function`);

  const routes = resourcesOfType(stack, "AWS::ApiGatewayV2::Route").map((id) => {
    const p = props(id);
    const integrationId = resolveString(p.Target, { ...lookup, ref: (ref) => ref }).replace("integrations/", "");
    const [, host] = functionOf(resolveString(props(integrationId).IntegrationUri, lookup), `route ${id}`);
    const invoke = async (event: APIGatewayProxyEventV2) => {
      counter.count("ApiGateway.Request");
      counter.count("Lambda.Invoke");
      return host.invoke<object>(event);
    };
    return { route: String(p.RouteKey), invoke };
  });
  const httpApi = new HttpApiEmulator({ routes, port: options.port, host: options.host, front: options.front });
  const fronts = [httpApi];
  const { url: apiUrl } = await httpApi.start();

  const functionUrls = new Map<string, string>();
  for (const id of resourcesOfType(stack, "AWS::Lambda::Url")) {
    const [fnId, host] = functionOf(resolveString(props(id).TargetFunctionArn, lookup), `function URL ${id}`);
    const invoke = async (event: APIGatewayProxyEventV2) => {
      counter.count("Lambda.Invoke");
      return host.invoke<object>(event);
    };
    const urlFront = new HttpApiEmulator({ routes: [{ route: "$default", invoke }], host: options.host, front: options.front, integrationTimeoutMs: Number(props(fnId).Timeout ?? 3) * 1000 });
    fronts.push(urlFront);
    functionUrls.set(fnId, (await urlFront.start()).url);
  }
  return { apiUrl, functionUrls, close: async () => void (await Promise.all(fronts.map((front) => front.close()))) };
}

function fail(message: string): never {
  throw new Error(message);
}
