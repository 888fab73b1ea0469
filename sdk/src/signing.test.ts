import { createHash } from "node:crypto";
import { hashSigningKey, signBody, verifySignature } from "./signing";

const key = "signkey-test-8ee2262a15e8d3c42d6a840db7af3de2aab08ef632b32a37a687f24b34dba3ff";
const fallback = "signkey-test-1111111111111111111111111111111111111111111111111111111111111111";
const now = 1_700_000_000_000;

describe("signing", () => {
  it("round-trips sign and verify", () => {
    const header = signBody('{"a":1}', key, now);
    expect(header).toMatch(/^t=1700000000&s=[0-9a-f]{64}$/);
    expect(verifySignature(header, '{"a":1}', { signingKey: key }, now + 1000)).toBeUndefined();
  });
  it("rejects a changed body, a missing header and a wrong key", () => {
    const header = signBody("x", key, now);
    expect(verifySignature(header, "y", { signingKey: key }, now)).toMatch(/invalid/);
    expect(verifySignature(undefined, "x", { signingKey: key }, now)).toMatch(/missing/);
    expect(verifySignature(signBody("x", fallback, now), "x", { signingKey: key }, now)).toMatch(/invalid/);
  });
  it("enforces the 5 minute window", () => {
    const header = signBody("x", key, now);
    expect(verifySignature(header, "x", { signingKey: key }, now + 4 * 60_000)).toBeUndefined();
    expect(verifySignature(header, "x", { signingKey: key }, now + 6 * 60_000)).toMatch(/window/);
  });
  it("accepts the fallback key", () => {
    expect(verifySignature(signBody("x", fallback, now), "x", { signingKey: key, fallback }, now)).toBeUndefined();
  });
  it("hashes the key for Bearer auth", () => {
    const hex = key.replace("signkey-test-", "");
    expect(hashSigningKey(key)).toBe(`signkey-test-${createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex")}`);
  });
});
