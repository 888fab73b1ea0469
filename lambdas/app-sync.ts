import { createHash } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import type { CloudFormationCustomResourceEvent, Context } from "aws-lambda";
import { functionUrlSigner, lambdaEnvCredentials } from "../adapters/aws/sigv4-signer";
import { syncApp, type SyncResult } from "../adapters/http/app-sync";
import { oncePerContainer } from "./cold-start";
import { putResponse, responseBody, type CustomResourceOutcome } from "./cloudformation-response";
import { loadSigningKeys } from "./secrets";

/** What the `Custom::FerryAppSync` handler needs. */
export interface AppSyncDeps {
  /** Asks the app at `url` to sync; `iamAuth` when it sits behind an `AWS_IAM` function URL. */
  syncApp(url: string, iamAuth: boolean): Promise<SyncResult>;
  /** Delivers the response body to CloudFormation. @default {@link putResponse} */
  respond?: (responseUrl: string, body: string) => Promise<void>;
  /** @default a JSON line on stdout */
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The handler CloudFormation invokes directly (the function's ARN is the `ServiceToken`). */
export type AppSyncHandler = (event: CloudFormationCustomResourceEvent, context: Pick<Context, "logStreamName">) => Promise<void>;

/** CloudFormation's limit on a physical resource id (bytes). */
const MAX_PHYSICAL_ID_BYTES = 1024;

/**
 * Builds the `Custom::FerryAppSync` handler: on Create and Update it syncs the app at
 * `ResourceProperties.Url` (`IamAuth` "true" signs with SigV4; `SyncToken` only forces an
 * update) and reports `Data.Modified`. It always answers CloudFormation, FAILED on any error:
 * an unanswered custom resource blocks the stack for an hour. A failed delivery of the answer
 * rejects, so Lambda's retry of the async invoke tries again (syncing twice is harmless).
 */
export function makeAppSyncHandler(deps: AppSyncDeps): AppSyncHandler {
  const respond = deps.respond ?? ((url: string, body: string) => putResponse(url, body));
  const log = deps.log ?? ((message: string, fields?: Record<string, unknown>) => console.log(JSON.stringify({ level: "INFO", message, ...fields })));
  return async (event, context) => {
    let outcome: CustomResourceOutcome;
    try {
      outcome = await decide(event, context, deps.syncApp);
    } catch (error) {
      outcome = { status: "FAILED", reason: `app sync failed: ${error instanceof Error ? error.message : String(error)}`, physicalResourceId: failedId(event) };
    }
    // No ResponseURL in the log: it is a presigned URL anyone holding it could answer with.
    try {
      log("custom resource outcome", { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, status: outcome.status, reason: outcome.reason, physicalResourceId: outcome.physicalResourceId });
    } catch {
      // A logging failure must not keep the answer from CloudFormation.
    }
    await respond(event.ResponseURL, responseBody(event, outcome));
  };
}

async function decide(event: CloudFormationCustomResourceEvent, context: Pick<Context, "logStreamName">, sync: AppSyncDeps["syncApp"]): Promise<CustomResourceOutcome> {
  // Delete leaves the app registered: its runs and history stay readable after its stack is
  // gone, and a re-deploy syncs it again. It also means a failed Create's rollback, and the
  // Delete CloudFormation sends for an old URL after a replacement, cannot fail.
  if (event.RequestType === "Delete") return { status: "SUCCESS", reason: "app left registered (its runs stay readable)", physicalResourceId: event.PhysicalResourceId };
  const props = event.ResourceProperties as Record<string, unknown>;
  const url = appUrl(props.Url);
  if (url === undefined) return { status: "FAILED", reason: `Url must be an http(s) URL, got ${JSON.stringify(props.Url)?.slice(0, 200) ?? "nothing"}`, physicalResourceId: failedId(event) };
  const iamAuth = flag(props.IamAuth);
  if (iamAuth === undefined) return { status: "FAILED", reason: `IamAuth must be "true" or "false", got ${JSON.stringify(props.IamAuth).slice(0, 50)}`, physicalResourceId: failedId(event) };
  const result = await sync(url, iamAuth);
  if (!result.ok) return { status: "FAILED", reason: result.error, physicalResourceId: failedId(event) };
  return { status: "SUCCESS", reason: `synced ${url}; see log stream ${context.logStreamName}`, physicalResourceId: physicalId(url), data: { Modified: result.modified ? "true" : "false" } };
}

/** Derived from the URL, so a new URL replaces the resource and the old one gets a Delete. */
function physicalId(url: string): string {
  const id = `ferry-app-sync:${url}`;
  return Buffer.byteLength(id) <= MAX_PHYSICAL_ID_BYTES ? id : `ferry-app-sync:sha256:${createHash("sha256").update(url).digest("hex")}`;
}

/** A failed Update keeps the current id: nothing was replaced, and the rollback targets it. */
function failedId(event: CloudFormationCustomResourceEvent): string {
  if (event.RequestType !== "Create") return event.PhysicalResourceId;
  const url = appUrl((event.ResourceProperties as Record<string, unknown> | undefined)?.Url);
  return url === undefined ? `ferry-app-sync:invalid:${event.LogicalResourceId}` : physicalId(url);
}

function appUrl(value: unknown): string | undefined {
  if (typeof value !== "string" || !URL.canParse(value)) return undefined;
  const { protocol } = new URL(value);
  return protocol === "https:" || protocol === "http:" ? value : undefined;
}

/** CloudFormation hands every property over as a string; a missing flag means off. */
function flag(value: unknown): boolean | undefined {
  if (value === undefined || value === false || value === "false") return false;
  if (value === true || value === "true") return true;
  return undefined;
}

/**
 * The real deps, from the Lambda environment. The signing key is read on the first sync (and
 * again after a failed read), so a missing or malformed secret becomes a FAILED answer rather
 * than a crash that leaves CloudFormation waiting.
 */
function depsFromEnv(env: Record<string, string | undefined>): AppSyncDeps {
  // Service name from POWERTOOLS_SERVICE_NAME, like the other Ferry Lambdas.
  const logger = new Logger();
  const signRequest = functionUrlSigner({ region: env.AWS_REGION, credentials: lambdaEnvCredentials(env) });
  const signingKey = oncePerContainer(async () => {
    const [current] = await loadSigningKeys(env);
    if (current === undefined) throw new Error("the signing key secret holds no key");
    return current;
  });
  return {
    log: (message, fields) => logger.info(message, fields ?? {}),
    syncApp: async (url, iamAuth) =>
      syncApp(url, { serverKind: "cloud", signingKey: await signingKey(), signRequest: iamAuth ? signRequest : undefined, attempts: 3, delayMs: 2000 }),
  };
}

let built: AppSyncHandler | undefined;

/** The Lambda entry; deps are built on the first call of a cold start. */
export const handler: AppSyncHandler = (event, context) => {
  built ??= makeAppSyncHandler(depsFromEnv(process.env));
  return built(event, context);
};
