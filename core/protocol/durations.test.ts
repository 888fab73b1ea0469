import { parseDuration, parseInstant } from "./durations";

describe("parseDuration", () => {
  it.each([
    ["5m", 300_000],
    ["7d", 604_800_000],
    ["1h30m", 5_400_000],
    ["1d 2h", 93_600_000],
    [1500, 1500],
    ["2s", 2000],
  ])("%p is %p ms", (input, expected) => expect(parseDuration(input)).toBe(expected));

  it.each([["soon"], [""], [-5], ["5m garbage"], [null], ["-5m"], ["-2d"], [Infinity], [Number.NaN], [JSON.parse("1e400")]])("%p is unreadable", (input) =>
    expect(parseDuration(input)).toBeUndefined(),
  );

  it("reads a sum too large for any date as a number, left for callers to range-check", () => {
    expect(parseDuration("100000000y")).toBeGreaterThan(8.64e15);
  });
});

describe("parseInstant", () => {
  it("reads ISO dates", () => expect(parseInstant("2026-01-01T00:00:00.000Z")).toBe(Date.parse("2026-01-01T00:00:00Z")));
  it("rejects non-dates", () => expect(parseInstant("tomorrow")).toBeUndefined());
});
