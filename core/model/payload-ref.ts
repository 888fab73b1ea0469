import { stableHash } from "./derived-id";

/** A value kept in the PayloadStore instead of inline: where it is and how big it was. */
export interface PayloadRef {
  key: string;
  bytes: number;
}

const encoder = new TextEncoder();

/** Size in bytes of a value as JSON (what a store item pays for it). */
export function jsonBytes(json: string): number {
  return encoder.encode(json).length;
}

/**
 * The key of a payload: its owner's prefix plus a hash of the content, so an object is never
 * overwritten with something else (two writers racing for one step each store their own, and
 * the memo that wins names its own content).
 */
export function payloadKey(prefix: string, json: string): string {
  return `${prefix}/${stableHash([json], 40)}`;
}
