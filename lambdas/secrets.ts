import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { z } from "zod";

/** The prefix Inngest SDKs expect on a production signing key; the secret holds only the hex. */
const SIGNING_KEY_PREFIX = "signkey-prod-";

const keySecret = z.object({
  key: z.string().min(1),
  fallbackKey: z.string().min(1).optional(),
});

/**
 * Reads a key secret's value (`{"key": "...", "fallbackKey"?: "..."}`, as a JSON string or
 * already parsed) into its keys, current first, each with `prefix` in front. With a prefix the
 * keys must be hex (SDKs hash the key's hex bytes). Errors name the secret's ARN and the field at
 * fault, never the value: they end up in logs.
 */
export function parseKeySecret(value: unknown, arn: string, prefix?: string): string[] {
  let json: unknown = value;
  if (typeof value === "string") {
    try {
      json = JSON.parse(value) as unknown;
    } catch {
      // JSON.parse's message quotes the text it choked on, which here is the secret.
      throw new Error(`secret ${arn} is not JSON: expected {"key": "...", "fallbackKey"?: "..."}`);
    }
  }
  const parsed = keySecret.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(value)"}: ${issue.message}`).join("; ");
    throw new Error(`secret ${arn} is malformed (${problems}): expected {"key": "...", "fallbackKey"?: "..."}`);
  }
  const keys = [parsed.data.key, ...(parsed.data.fallbackKey === undefined ? [] : [parsed.data.fallbackKey])];
  if (prefix !== undefined) {
    const field = keys.findIndex((key) => !/^(?:[0-9a-fA-F]{2})+$/.test(key));
    if (field >= 0) throw new Error(`secret ${arn} is malformed (${field === 0 ? "key" : "fallbackKey"}: must be hex, without a "${prefix}" prefix)`);
  }
  return keys.map((key) => `${prefix ?? ""}${key}`);
}

/**
 * The signing keys from the secret at `FERRY_SIGNING_KEY_SECRET_ARN`, as `signkey-prod-<hex>`:
 * the current key first, then the fallback kept during a rotation.
 */
export async function loadSigningKeys(env: Record<string, string | undefined>): Promise<string[]> {
  const arn = requireEnv(env, "FERRY_SIGNING_KEY_SECRET_ARN");
  return parseKeySecret(await readSecret(arn), arn, SIGNING_KEY_PREFIX);
}

/**
 * The event keys from the secret at `FERRY_EVENT_KEY_SECRET_ARN`, used as stored: the current
 * key first, then the fallback kept during a rotation.
 */
export async function loadEventKeys(env: Record<string, string | undefined>): Promise<string[]> {
  const arn = requireEnv(env, "FERRY_EVENT_KEY_SECRET_ARN");
  return parseKeySecret(await readSecret(arn), arn);
}

/**
 * Fetched as text and parsed by {@link parseKeySecret}, not with Powertools' `transform: "json"`,
 * whose error on a non-JSON secret repeats the secret's text.
 */
async function readSecret(arn: string): Promise<unknown> {
  const value = await getSecret(arn);
  if (value === undefined) throw new Error(`secret ${arn} has no value`);
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
}

function requireEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
