import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** How far a signature's timestamp may be from now. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

const KEY_PREFIX = /^signkey-[\w]+-/;

function keyText(signingKey: string): string {
  return signingKey.replace(KEY_PREFIX, "");
}

function hmac(body: string, signingKey: string, t: string): string {
  return createHmac("sha256", keyText(signingKey)).update(body).update(t).digest("hex");
}

/**
 * The `X-Inngest-Signature` value for a body: `t=<unix seconds>&s=<hex HMAC-SHA256>` of the
 * body followed by the timestamp, keyed with the signing key minus its `signkey-<env>-` prefix.
 *
 * @example
 * ```ts
 * const header = signBody('{"a":1}', "signkey-test-abcd");
 * ```
 */
export function signBody(body: string, signingKey: string, nowMs: number = Date.now()): string {
  const t = Math.floor(nowMs / 1000).toString();
  return `t=${t}&s=${hmac(body, signingKey, t)}`;
}

/**
 * Verifies a signature header against the key, then the fallback key, in constant time.
 * Returns undefined when valid, else the reason.
 *
 * @example
 * ```ts
 * verifySignature(header, body, { signingKey, fallback }) ?? "ok";
 * ```
 */
export function verifySignature(header: string | undefined, body: string, keys: { signingKey: string; fallback?: string }, nowMs: number = Date.now()): string | undefined {
  if (!header) return "missing X-Inngest-Signature header";
  const params = new URLSearchParams(header);
  const t = params.get("t");
  const s = params.get("s");
  if (!t || !s) return "malformed X-Inngest-Signature header";
  const seconds = Number(t);
  if (!Number.isFinite(seconds) || Math.abs(nowMs - seconds * 1000) > SIGNATURE_WINDOW_MS) return "signature timestamp is outside the 5 minute window";
  const given = Buffer.from(s, "utf8");
  for (const key of [keys.signingKey, keys.fallback]) {
    if (!key) continue;
    const expected = Buffer.from(hmac(body, key, t), "utf8");
    if (expected.length === given.length && timingSafeEqual(expected, given)) return undefined;
  }
  return "invalid signature";
}

/**
 * The form sent as `Authorization: Bearer ...`: prefix kept, the hex key part replaced by the
 * hex SHA-256 of its bytes.
 *
 * @example
 * ```ts
 * hashSigningKey("signkey-prod-12ab"); // "signkey-prod-<sha256 of 0x12 0xab>"
 * ```
 */
export function hashSigningKey(signingKey: string): string {
  const prefix = KEY_PREFIX.exec(signingKey)?.[0] ?? "";
  return `${prefix}${createHash("sha256").update(Buffer.from(keyText(signingKey), "hex")).digest("hex")}`;
}
