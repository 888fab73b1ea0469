import { parseKeySecret } from "./secrets";

const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry-signing-AbCdEf";
const hex = "a1".repeat(32);
const older = "b2".repeat(32);

describe("parseKeySecret", () => {
  it("prefixes the key, current first, then the fallback", () => {
    expect(parseKeySecret(JSON.stringify({ key: hex, fallbackKey: older }), arn, "signkey-prod-")).toEqual([`signkey-prod-${hex}`, `signkey-prod-${older}`]);
    expect(parseKeySecret(JSON.stringify({ key: hex }), arn, "signkey-prod-")).toEqual([`signkey-prod-${hex}`]);
  });

  it("uses keys as stored without a prefix, and accepts an already parsed value", () => {
    expect(parseKeySecret({ key: "event-key-1", fallbackKey: "event-key-0" }, arn)).toEqual(["event-key-1", "event-key-0"]);
  });

  it("names the ARN and never repeats the value when the secret is not JSON", () => {
    const attempt = () => parseKeySecret("super-secret-text", arn);
    expect(attempt).toThrow(arn);
    expect(attempt).not.toThrow(/super-secret-text/);
  });

  it("names the field at fault when the shape is wrong", () => {
    expect(() => parseKeySecret(JSON.stringify({ keys: hex }), arn)).toThrow(/secret arn:aws:secretsmanager:.*malformed \(key:/);
    expect(() => parseKeySecret({ key: "" }, arn)).toThrow(/key:/);
    expect(() => parseKeySecret({ key: hex, fallbackKey: 7 }, arn)).toThrow(/fallbackKey:/);
    expect(() => parseKeySecret(null, arn)).toThrow(arn);
  });

  it("with a prefix, requires hex keys (a key stored with its prefix would be doubled)", () => {
    const attempt = () => parseKeySecret({ key: `signkey-prod-${hex}` }, arn, "signkey-prod-");
    expect(attempt).toThrow(/key: must be hex/);
    expect(attempt).not.toThrow(new RegExp(hex));
    expect(() => parseKeySecret({ key: hex, fallbackKey: "xyz" }, arn, "signkey-prod-")).toThrow(/fallbackKey: must be hex/);
  });
});
