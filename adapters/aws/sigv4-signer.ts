import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { OutgoingRequest, RequestSigner } from "../http/request-signer";

/**
 * AWS credentials as the signer needs them; an `AwsCredentialIdentity` from `@smithy/types`
 * fits. Declared here so no SDK type leaks out of the adapter.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary (role) credentials; signed as `x-amz-security-token`. */
  sessionToken?: string;
}

/** Resolves credentials for each signature; an `AwsCredentialIdentityProvider` fits. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

/** How {@link functionUrlSigner} signs. */
export interface FunctionUrlSignerOptions {
  /**
   * Credentials, or a provider asked before each signature (so rotated role credentials are
   * picked up). `@aws-sdk/credential-providers` is not a dependency, so there is no default
   * chain: in a Lambda pass {@link lambdaEnvCredentials}.
   */
  credentials: AwsCredentials | AwsCredentialsProvider;
  /**
   * The engine's own region. Only a fallback for the signer: every request is signed for the
   * region named in its function URL host, which may differ.
   */
  region?: string;
  /** Current time for the signature (ms). @default Date.now */
  now?: () => number;
}

/** `<url-id>.lambda-url.<region>.on.aws`: the only hosts that get a SigV4 signature. */
const FUNCTION_URL_HOST = /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/;

/**
 * Signs requests to Lambda function URLs that use `AWS_IAM` auth (SigV4, service `lambda`, the
 * region in the host) and returns the headers to add: `authorization`, `x-amz-date`,
 * `x-amz-content-sha256` and, with temporary credentials, `x-amz-security-token`. Requests to
 * any other host, and plain `http://` URLs, get no headers: an app behind another front door
 * must not receive the engine's AWS credentials' signature.
 *
 * @example
 * const signRequest = functionUrlSigner({ credentials: lambdaEnvCredentials(process.env) });
 * const caller = new HttpFunctionCaller({ signingKey, serverKind: "cloud", signRequest });
 */
export function functionUrlSigner(options: FunctionUrlSignerOptions): RequestSigner {
  const signer = new SignatureV4({ service: "lambda", region: options.region ?? "us-east-1", credentials: options.credentials, sha256: Sha256 });
  return async (request: OutgoingRequest) => {
    const url = new URL(request.url);
    const region = url.protocol === "https:" ? FUNCTION_URL_HOST.exec(url.hostname)?.[1] : undefined;
    if (region === undefined) return {};
    // Only host and content-type are signed from the caller's headers: the other headers
    // (content-length, user-agent, x-inngest-*) may be rewritten on the way, and the Inngest
    // signature already covers the body for the app. The payload hash covers the body for AWS.
    const headers: Record<string, string> = { host: url.host };
    const contentType = request.headers["content-type"];
    if (contentType !== undefined) headers["content-type"] = contentType;
    const signed = await signer.sign(
      {
        method: request.method.toUpperCase(),
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query: queryOf(url),
        headers,
        body: request.body,
      },
      { signingDate: new Date((options.now ?? Date.now)()), signingRegion: region, signingService: "lambda" },
    );
    // The caller's transport sets host itself; hand back only what signing added.
    return Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name === "authorization" || name.startsWith("x-amz-")));
  };
}

/**
 * Credentials from the variables the Lambda runtime sets for the function's role
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), read at each signature.
 * Rejects when they are missing, naming the variable.
 */
export function lambdaEnvCredentials(env: Record<string, string | undefined>): AwsCredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId) throw new Error("AWS_ACCESS_KEY_ID is not set: cannot sign requests to function URLs");
    if (!secretAccessKey) throw new Error("AWS_SECRET_ACCESS_KEY is not set: cannot sign requests to function URLs");
    const sessionToken = env.AWS_SESSION_TOKEN;
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  };
}

/** The query as SignatureV4 wants it: decoded values, repeated names as arrays. */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}
