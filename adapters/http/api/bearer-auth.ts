import { constantTimeEqual, hashSigningKey } from "../signing";
import type { ApiContext } from "./api-context";
import { HttpError } from "./http-errors";
import type { RouteHandler } from "./router";

/**
 * Throws a 401 unless `Authorization` is `Bearer <hashed key>` of one of the signing keys: the
 * form SDKs send to the engine API, so the raw key never travels. Every key is compared, in
 * constant time, so the answer's timing says nothing about which key came close.
 */
export function requireSigningKeyBearer(authorization: string | undefined, signingKeys: readonly string[], what: string): void {
  const given = authorization ?? "";
  let accepted = false;
  for (const key of signingKeys) if (constantTimeEqual(`Bearer ${hashSigningKey(key)}`, given)) accepted = true;
  if (!accepted) throw new HttpError(401, `missing or wrong Authorization for ${what}: expected "Bearer <hashed signing key>"`);
}

/**
 * Wraps a route handler that SDKs call (registration, checkpoints, run state) so it runs only
 * for a caller holding the signing key whenever one is set; without keys (the dev server's
 * default) the route is open, as SDKs in dev mode expect.
 */
export function sdkRouteAuth(context: ApiContext): (handler: RouteHandler) => RouteHandler {
  return (handler) => (request) => {
    if (context.signingKeys?.length) requireSigningKeyBearer(request.headers.authorization, context.signingKeys, `${request.method} ${request.path}`);
    return handler(request);
  };
}

/**
 * Wraps a route handler so it runs only for a caller holding the signing key, when the context
 * asks for that (`authorizeRestApi`); otherwise the handler is returned as is.
 */
export function restApiAuth(context: ApiContext): (handler: RouteHandler) => RouteHandler {
  if (!context.authorizeRestApi) return (handler) => handler;
  const keys = context.signingKeys ?? [];
  // A deployment without keys would otherwise be open to anyone who finds its URL.
  if (keys.length === 0) throw new Error("the REST API requires a signing key, and none is configured");
  return (handler) => (request) => {
    requireSigningKeyBearer(request.headers.authorization, keys, `${request.method} ${request.path}`);
    return handler(request);
  };
}
