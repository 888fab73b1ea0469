import { createHash } from "node:crypto";

/**
 * The hashed op id the engine keys memoized steps by: hex SHA-1 of the user's step id.
 *
 * @example
 * ```ts
 * hashStepId("complete"); // sha1("complete")
 * ```
 */
export function hashStepId(userId: string): string {
  return createHash("sha1").update(userId).digest("hex");
}

/**
 * The id a step is hashed under given how many times its user id was already used in this
 * execution: first use `"<id>"`, then `"<id>:1"`, `"<id>:2"`...
 */
export function indexedStepId(userId: string, previousUses: number): string {
  return previousUses === 0 ? userId : `${userId}:${previousUses}`;
}

/** The hashed id of the `RunComplete` op. */
export const RUN_COMPLETE_ID = hashStepId("complete");
