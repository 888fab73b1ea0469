import type { FrontChange, FrontRequest } from "../http-api-emulator";
import { guardSite } from "../../adapters/http/site-guard";
import { hashSigningKey } from "../../adapters/http/signing";

/** What `ferry aws-local` puts in front of its HTTP API. */
export interface AwsLocalFrontOptions {
  /** The deployment's keys. */
  signingKey: string;
  eventKey: string;
  /** No `--signing-key`: a request without a hashed key in `Authorization` gets the signing key's bearer, as `ferry dev` needs none. */
  devMode: boolean;
  /** No `--event-key`: any event key is taken, as `ferry dev` takes any. */
  anyEventKey: boolean;
  /** Names accepted in the `Host` header besides localhost and IP addresses. */
  allowedHosts: readonly string[];
}

/**
 * The front of `ferry aws-local`'s HTTP API: what differs from a deployment, kept out of the
 * Lambda functions so they run exactly as on AWS. It refuses what a web page could send to a
 * local port (the same guard as `ferry dev`: DNS rebinding, cross-site requests), and in dev mode
 * stands in for the keys an app in dev mode does not send: the signing key's bearer on API calls
 * that carry none (the official SDK sends `Bearer undefined` then), the real event key in place
 * of any other. A request with a hashed key of its own keeps it, so a wrong key is still refused.
 */
export function awsLocalFront(options: AwsLocalFrontOptions): (request: FrontRequest) => FrontChange | void {
  const bearer = `Bearer ${hashSigningKey(options.signingKey)}`;
  return ({ method, path, headers }) => {
    // Throws an HttpError, whose status the emulator answers with.
    guardSite(method, headers, { allowedHosts: options.allowedHosts });
    const change: FrontChange = {};
    if (options.anyEventKey && /^\/e\/[^/]+$/.test(path)) change.path = `/e/${options.eventKey}`;
    else if (options.devMode && !/^Bearer signkey-/i.test(headers.authorization ?? "")) change.headers = { authorization: bearer };
    return change;
  };
}
