import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** How far a signature's timestamp may be from now (Inngest's window). */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

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

/**
 * Checks a signature against the key and the fallback key (key rotation), in constant time,
 * rejecting timestamps more than five minutes off. Returns why it failed, or undefined if valid.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  keys: { signingKey: string; fallback?: string },
  nowMs: number,
): string | undefined {
  if (!header) return "missing X-Inngest-Signature";
  const params = new URLSearchParams(header);
  const t = params.get("t");
  const s = params.get("s");
  if (!t || !s) return "malformed X-Inngest-Signature";
  const seconds = Number.parseInt(t, 10);
  if (!Number.isFinite(seconds) || Math.abs(nowMs - seconds * 1000) > SIGNATURE_WINDOW_MS) return "signature has expired";
  const given = Buffer.from(s, "utf8");
  for (const key of [keys.signingKey, keys.fallback]) {
    if (!key) continue;
    const expected = Buffer.from(createHmac("sha256", keyMaterial(key)).update(body).update(t).digest("hex"), "utf8");
    if (expected.length === given.length && timingSafeEqual(expected, given)) return undefined;
  }
  return "invalid signature";
}

/**
 * The form SDKs send as `Authorization: Bearer ...` to the engine API: the prefix kept, the
 * key's hex bytes replaced by their SHA-256, so the raw key never travels.
 */
export function hashSigningKey(signingKey: string): string {
  const prefix = KEY_PREFIX.exec(signingKey)?.[0] ?? "";
  return `${prefix}${createHash("sha256").update(Buffer.from(keyMaterial(signingKey), "hex")).digest("hex")}`;
}
