import { Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for each wildcard resource in `resources`,
 * on `scope` and everything below it. cdk-nag 3 names one finding per resource string
 * (`AwsSolutions-IAM5[Resource::<flattened ARN>]`) and matches acknowledgements exactly, so the
 * id is computed the way cdk-nag flattens a resolved ARN: `Fn::GetAtt` becomes `<Id.Attr>`, `Ref`
 * becomes `<Name>`, `Fn::Join` is joined. If cdk-nag changes that format, the findings reappear
 * and synth fails: nothing is silenced by accident.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const resource of resources) {
    const flat = flatten(Stack.of(scope).resolve(resource));
    if (flat.includes("*")) Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
  }
}

function flatten(node: unknown): string {
  if (node === undefined) return "";
  if (typeof node === "string") return node.replace(/\$\{/g, "<").replace(/\}/g, ">");
  if (typeof node === "object" && node !== null) {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value["Fn::Join"])) {
      const [delimiter, items] = value["Fn::Join"] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (value["Fn::Sub"] !== undefined) return flatten(value["Fn::Sub"]);
    if (Array.isArray(value["Fn::GetAtt"])) {
      const [resource, attribute] = value["Fn::GetAtt"] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (value["Fn::ImportValue"] !== undefined) return flatten(value["Fn::ImportValue"]);
    if (value.Ref !== undefined) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}
