import { hashSigningKey as sdkHashSigningKey, verifySignature as sdkVerify } from "@ferry/sdk";
import { constantTimeEqual, hashSigningKey, signBody } from "./signing";

const key = "signkey-prod-0123456789abcdef0123456789abcdef";

describe("engine request signing", () => {
  it("produces signatures the SDK accepts, over the exact body bytes", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const body = '{"event":{"name":"a"},"steps":{}}';
    const header = signBody(body, key, now);
    expect(header).toMatch(/^t=1767225600&s=[0-9a-f]{64}$/);
    expect(sdkVerify(header, body, { signingKey: key }, now)).toBeUndefined();
    expect(sdkVerify(header, `${body} `, { signingKey: key }, now)).toBe("invalid signature");
  });

  it("hashes the signing key for Bearer auth the way SDKs do", () => {
    expect(hashSigningKey(key)).toBe(sdkHashSigningKey(key));
    expect(hashSigningKey(key)).toMatch(/^signkey-prod-[0-9a-f]{64}$/);
  });

  it("compares secrets by value and length", () => {
    expect(constantTimeEqual("Bearer abc", "Bearer abc")).toBe(true);
    expect(constantTimeEqual("Bearer abc", "Bearer abd")).toBe(false);
    expect(constantTimeEqual("Bearer abc", "Bearer ab")).toBe(false);
  });
});
