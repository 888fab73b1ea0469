import { functionUrlSigner, lambdaEnvCredentials } from "../adapters/aws/sigv4-signer";
import { syncApp } from "../adapters/http/app-sync";
import { oncePerContainer } from "./cold-start";
import { awsDeps } from "./deps";
import { makeHttpHandler, type HttpHandlerDeps } from "./http-handler";
import { loadSigningKeys } from "./secrets";

/**
 * The api Lambda: `/fn/register`, `/v1/apps/sync` and the REST API behind the HTTP API, every
 * route but registration's own check requiring `Authorization: Bearer <hashed signing key>`.
 */
export const makeApiHandler = (deps: () => Promise<HttpHandlerDeps>) => makeHttpHandler(deps, { engine: true });

/** The deployed handler: deps built on the first request of each container. */
export const handler = makeApiHandler(
  oncePerContainer(async () => {
    const signingKeys = await loadSigningKeys(process.env);
    const { engine, telemetry, config } = awsDeps(process.env, { signingKey: signingKeys[0] });
    const signRequest = functionUrlSigner({ region: config.region, credentials: lambdaEnvCredentials(process.env) });
    return {
      telemetry,
      context: {
        deps: engine.deps,
        signingKeys,
        authorizeRestApi: true,
        syncApp: (url: string) => syncApp(url, { serverKind: "cloud", signingKey: signingKeys[0], signRequest }),
      },
    };
  }),
);
