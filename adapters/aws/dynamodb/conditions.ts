import { ConflictError, type ExpectedVersion } from "../../../core";
import { encode, type Item } from "./items";
import { KEY_ATTRIBUTES } from "./table";

/** A ConditionExpression with its placeholders. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Item;
}

/** The conditional-write convention of the ports: null = must not exist, a number = must still be at that version. */
export function versionCondition(expected: ExpectedVersion): Condition {
  return expected === null
    ? { expression: "attribute_not_exists(#pk)", names: { "#pk": KEY_ATTRIBUTES.pk } }
    : { expression: "#version = :expected", names: { "#version": "version" }, values: { ":expected": expected } };
}

/** Awaits a create-if-absent write whose "already there" is as good as done (an idempotent repeat). */
export async function ignoreConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

/** The ConditionExpression fields of a write request. */
export function conditionInput(condition: Condition | undefined) {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ExpressionAttributeNames: condition.names,
    ...(condition.values && Object.keys(condition.values).length > 0 ? { ExpressionAttributeValues: encode(condition.values) } : {}),
  };
}
