import { backoffDelay, parseRetryAfter } from "./retry-policy";

describe("backoffDelay", () => {
  it("doubles per attempt with half of it jittered", () => {
    expect(backoffDelay(0, 0, 1000)).toBe(500);
    expect(backoffDelay(0, 0.999999, 1000)).toBe(1000);
    expect(backoffDelay(3, 0, 1000)).toBe(4000);
  });

  it("caps at one hour however many attempts", () => {
    expect(backoffDelay(40, 1, 10_000)).toBe(3_600_000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(now + 120_000);
    expect(parseRetryAfter(new Date(now + 60_000).toUTCString(), now)).toBe(now + 60_000);
  });
  it("clamps to 1 s .. 24 h", () => {
    expect(parseRetryAfter("0", now)).toBe(now + 1000);
    expect(parseRetryAfter(String(7 * 86400), now)).toBe(now + 86_400_000);
  });
  it("ignores garbage", () => {
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
