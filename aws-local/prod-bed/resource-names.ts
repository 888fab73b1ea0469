import type { SynthesizedStack } from "./cloud-assembly";

/** The six engine functions, as their construct paths name them. */
export const ENGINE_FUNCTIONS = ["Ingest", "Api", "Runner", "Executor", "Timer", "AppSync"] as const;
export type EngineFunction = (typeof ENGINE_FUNCTIONS)[number];

/** The logical id of an engine function, found by its construct path (`.../Functions/Executor/...`). */
export function functionLogicalId(stack: SynthesizedStack, name: EngineFunction): string {
  const found = Object.entries(stack.resources).find(
    ([, resource]) => resource.Type === "AWS::Lambda::Function" && String(resource.Metadata?.["aws:cdk:path"] ?? "").includes(`/Functions/${name}/`),
  );
  if (!found) throw new Error(`no ${name} function in ${stack.stackName}`);
  return found[0];
}

/** A generated secret's value, as Secrets Manager's `GenerateSecretString` would make it (hex only, as the stack asks). */
export function generatedSecret(properties: Record<string, unknown>): string {
  const generate = properties.GenerateSecretString as { SecretStringTemplate?: string; GenerateStringKey?: string; PasswordLength?: number; ExcludeCharacters?: string } | undefined;
  if (!generate?.GenerateStringKey) throw new Error("the bed generates only JSON secrets with GenerateStringKey");
  const allowed = [..."0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"].filter((c) => !(generate.ExcludeCharacters ?? "").includes(c));
  const length = generate.PasswordLength ?? 32;
  const value = Array.from({ length }, () => allowed[Math.floor(Math.random() * allowed.length)]).join("");
  return JSON.stringify({ ...(JSON.parse(generate.SecretStringTemplate ?? "{}") as object), [generate.GenerateStringKey]: value });
}

/** True when an EventBridge event pattern matches an event (the subset Ferry's rules use: exact values, nested objects). */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) {
      if (expected.some((value) => typeof value === "object")) throw new Error(`the bed matches only exact values, not ${JSON.stringify(expected)}`);
      return Array.isArray(actual) ? actual.some((value) => expected.includes(value)) : expected.includes(actual);
    }
    if (expected !== null && typeof expected === "object") return actual !== null && typeof actual === "object" && matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
    throw new Error(`malformed event pattern at ${key}`);
  });
}
