import { durationString, toMilliseconds } from "./duration";

describe("durations", () => {
  it("parses strings and numbers", () => {
    expect(toMilliseconds("5m")).toBe(300_000);
    expect(toMilliseconds("1h30m")).toBe(5_400_000);
    expect(toMilliseconds("250ms")).toBe(250);
    expect(toMilliseconds("2 days")).toBe(172_800_000);
    expect(toMilliseconds(1500)).toBe(1500);
    expect(() => toMilliseconds("soon")).toThrow(/invalid duration/);
  });
  it("formats engine duration strings", () => {
    expect(durationString("5m")).toBe("5m");
    expect(durationString(90_000)).toBe("1m30s");
    expect(durationString(500)).toBe("1s");
    expect(durationString("8d")).toBe("1w1d");
  });
});
