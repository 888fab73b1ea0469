import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { SecretsManagerEmulator } from "../secrets-manager-emulator";
import { resourcesOfType, type SynthesizedStack } from "./cloud-assembly";
import { generatedSecret } from "./resource-names";

/** The stack's secrets as they stand on the bed, and the two keys a user needs from them. */
export interface StackSecrets {
  /** Each secret's ARN on the emulator, by logical id. */
  arns: Map<string, string>;
  /** `signkey-prod-<hex>`, as the functions build it from the secret. */
  signingKey: string;
  eventKey: string;
}

/**
 * Creates the stack's generated secrets on the Secrets Manager emulator: the given keys where
 * there are some (`ferry aws-local --signing-key`), else the values kept in `keptFile` by an
 * earlier start (so apps configured with them keep working), else new ones as
 * `GenerateSecretString` would make them. With `keptFile`, what was used is written back (mode
 * 0600: it holds the keys).
 */
export function standUpSecrets(
  stack: SynthesizedStack,
  emulator: SecretsManagerEmulator,
  options: { signingKey?: string; eventKey?: string; keptFile?: string },
): StackSecrets {
  const kept = readKept(options.keptFile);
  const arns = new Map<string, string>();
  let signingKey: string | undefined;
  let eventKey: string | undefined;
  for (const id of resourcesOfType(stack, "AWS::SecretsManager::Secret")) {
    const given = id.includes("SigningKey") ? options.signingKey : id.includes("EventKey") ? options.eventKey : undefined;
    const value = given !== undefined ? JSON.stringify({ key: given }) : (kept[id] ?? generatedSecret((stack.resources[id]?.Properties ?? {}) as Record<string, unknown>));
    kept[id] = value;
    arns.set(id, emulator.createSecret(id, value));
    const key = (JSON.parse(value) as { key?: string }).key;
    if (id.includes("SigningKey")) signingKey = key;
    if (id.includes("EventKey")) eventKey = key;
  }
  if (options.keptFile !== undefined) writeFileSync(options.keptFile, JSON.stringify(kept, null, 2), { mode: 0o600 });
  if (signingKey === undefined || eventKey === undefined) throw new Error(`${stack.stackName} declares no signing key or no event key secret`);
  return { arns, signingKey: `signkey-prod-${signingKey}`, eventKey };
}

/** The secret values kept by an earlier start, by logical id (none without a file, or on a first start). */
function readKept(file: string | undefined): Record<string, string> {
  if (file === undefined || !existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch (error) {
    throw new Error(`${file} is not the JSON ferry aws-local wrote (${(error as Error).message}); remove it to generate new keys`);
  }
}
