import { sha256 } from "@noble/hashes/sha256";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const encoder = new TextEncoder();

/**
 * Hex SHA-256 of the parts, joined so that ("a:b", "c") and ("a", "b:c") differ. Ids built from
 * user text (key values, cron expressions) go through it so they fit every platform's name rules.
 */
export function stableHash(parts: readonly string[], length = 32): string {
  const digest = sha256(encoder.encode(parts.map((part) => `${part.length}:${part}`).join("")));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex.slice(0, length);
}

/**
 * A ULID-shaped id that is a pure function of its inputs: the 48-bit time part from `timeMs`
 * (so derived ids sort with time like fresh ULIDs), the 80-bit rest from a hash of `parts`.
 * Work that may be delivered twice (routing an event, starting a child run, emitting a
 * lifecycle event) derives its ids this way, so doing it again writes the same records.
 *
 * @example
 * derivedUlid(event.ts, "run", fn.id, event.id) // the run an event starts for a function
 */
export function derivedUlid(timeMs: number, ...parts: string[]): string {
  let time = Math.max(0, Math.min(Math.floor(timeMs), 2 ** 48 - 1));
  let prefix = "";
  for (let i = 0; i < 10; i++) {
    prefix = (CROCKFORD[time % 32] as string) + prefix;
    time = Math.floor(time / 32);
  }
  const digest = sha256(encoder.encode(parts.map((part) => `${part.length}:${part}`).join("")));
  let suffix = "";
  // 16 characters of 5 bits each, taken from the first 10 bytes of the digest.
  let buffer = 0;
  let bits = 0;
  for (let i = 0; suffix.length < 16; ) {
    if (bits < 5) {
      buffer = (buffer << 8) | (digest[i++] as number);
      bits += 8;
    }
    suffix += CROCKFORD[(buffer >> (bits - 5)) & 31];
    bits -= 5;
  }
  return prefix + suffix;
}

/** The time part of a ULID (or derived id), in epoch ms; 0 when it is not one. */
export function ulidTime(id: string): number {
  let time = 0;
  for (const char of id.slice(0, 10).toUpperCase()) {
    const value = CROCKFORD.indexOf(char);
    if (value < 0) return 0;
    time = time * 32 + value;
  }
  return time;
}
