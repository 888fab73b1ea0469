import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const KEY_PREFIX = /^signkey-[\w]+-/;

/** The key text the HMAC uses: the signing key without its `signkey-<env>-` prefix. */
function keyMaterial(signingKey: string): string {
  return signingKey.replace(KEY_PREFIX, "");
}

/**
 * The `X-Inngest-Signature` value for a body: `t=<unix seconds>&s=<hex HMAC-SHA256>` over the
 * exact body bytes followed by the timestamp, keyed with the signing key minus its prefix.
 */
export function signBody(body: string, signingKey: string, nowMs: number): string {
  const t = Math.round(nowMs / 1000).toString();
  const s = createHmac("sha256", keyMaterial(signingKey)).update(body).update(t).digest("hex");
  return `t=${t}&s=${s}`;
}

/** Compares secrets (signatures, bearer tokens) without leaking how much of them matched. */
export function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The form SDKs send as `Authorization: Bearer ...` to the engine API: the prefix kept, the
 * key's hex bytes replaced by their SHA-256, so the raw key never travels.
 */
export function hashSigningKey(signingKey: string): string {
  const prefix = KEY_PREFIX.exec(signingKey)?.[0] ?? "";
  return `${prefix}${createHash("sha256").update(Buffer.from(keyMaterial(signingKey), "hex")).digest("hex")}`;
}
