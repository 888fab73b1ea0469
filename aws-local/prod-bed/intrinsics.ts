/** What a template's `Ref` and `Fn::GetAtt` stand for on the bed. */
export interface IntrinsicLookup {
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
}

/** The bed's pseudo parameters: one account, one region. */
export const BED_ACCOUNT = "123456789012";
export const BED_REGION = "us-east-1";

const PSEUDO: Record<string, string> = {
  "AWS::Region": BED_REGION,
  "AWS::AccountId": BED_ACCOUNT,
  "AWS::Partition": "aws",
  "AWS::URLSuffix": "amazonaws.com",
  "AWS::NoValue": "",
};

/**
 * Resolves CloudFormation intrinsic functions in a template value the way CloudFormation would
 * at deploy time, with the bed's resources standing for the real ones: `Ref`, `Fn::GetAtt`,
 * `Fn::Join`, `Fn::Sub`, `Fn::Select` and `Fn::Split`. Anything else throws, naming it, so a
 * template the bed cannot stand up fails loudly instead of running with a wrong value.
 */
export function resolveIntrinsics(value: unknown, lookup: IntrinsicLookup): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, lookup));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === "Ref" || first[0].startsWith("Fn::"))) return resolveFunction(first[0], first[1], lookup);
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, lookup)]));
}

/** `resolveIntrinsics` for a value that must come out a string. */
export function resolveString(value: unknown, lookup: IntrinsicLookup): string {
  const resolved = resolveIntrinsics(value, lookup);
  if (typeof resolved !== "string" && typeof resolved !== "number") throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
  return String(resolved);
}

function resolveFunction(name: string, argument: unknown, lookup: IntrinsicLookup): unknown {
  switch (name) {
    case "Ref": {
      const id = argument as string;
      return PSEUDO[id] ?? lookup.ref(id);
    }
    case "Fn::GetAtt": {
      const [id, attribute] = typeof argument === "string" ? (argument.split(".", 2) as [string, string]) : (argument as [string, string]);
      return lookup.getAtt(id, attribute);
    }
    case "Fn::Join": {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolveIntrinsics(parts, lookup) as unknown[]).map(String).join(separator);
    }
    case "Fn::Select": {
      const [index, list] = argument as [unknown, unknown];
      return (resolveIntrinsics(list, lookup) as unknown[])[Number(resolveIntrinsics(index, lookup))];
    }
    case "Fn::Split": {
      const [separator, source] = argument as [string, unknown];
      return resolveString(source, lookup).split(separator);
    }
    case "Fn::Sub": {
      const [text, variables] = typeof argument === "string" ? [argument, {}] : (argument as [string, Record<string, unknown>]);
      return text.replace(/\$\{([^}]+)\}/g, (_, expression: string) => {
        if (expression in variables) return resolveString(variables[expression], lookup);
        if (expression in PSEUDO) return PSEUDO[expression] as string;
        const [id, attribute] = expression.split(".", 2) as [string, string | undefined];
        return attribute === undefined ? lookup.ref(id) : lookup.getAtt(id, attribute);
      });
    }
    default:
      throw new Error(`the bed cannot resolve ${name}`);
  }
}
