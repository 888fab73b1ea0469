import { boundedError, MAX_ERROR_BYTES, type SerializedError } from "./errors";

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe("boundedError", () => {
  it("returns an error within the budget unchanged, extra fields included", () => {
    const error: SerializedError = { name: "TypeError", message: "bad input", stack: "TypeError: bad input\n    at f (a.ts:1:1)", code: "E_BAD" };
    expect(boundedError(error)).toBe(error);
  });

  it("cuts a huge message and stack to the budget, says how big the error was, and drops extra fields", () => {
    const error: SerializedError = { name: "RangeError", message: "m".repeat(300_000), stack: `RangeError\n${"    at frame (file.ts:1:1)\n".repeat(20_000)}`, data: "d".repeat(50_000) };
    const bounded = boundedError(error);
    expect(bytesOf(bounded)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(bounded.name).toBe("RangeError");
    expect(bounded.message).toMatch(new RegExp(`^m+ \\[truncated by Ferry: the error was ${bytesOf(error)} bytes\\]$`));
    expect(bounded.message.length).toBeGreaterThan(1000);
    expect(bounded.stack?.startsWith("RangeError\n    at frame")).toBe(true);
    expect(bounded).not.toHaveProperty("data");
    expect(boundedError(error)).toEqual(bounded);
  });

  it("stays within the budget when escaping inflates the JSON, and never splits a surrogate pair", () => {
    const escaped = boundedError({ name: "Error", message: "\u0001".repeat(100_000) });
    expect(bytesOf(escaped)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    const emoji = boundedError({ name: "Error", message: "😀".repeat(100_000) }, 1001);
    expect(bytesOf(emoji)).toBeLessThanOrEqual(1001);
    expect(emoji.message).toMatch(/^(😀)+ \[truncated/u);
  });

  it("cuts an error made large by its extra fields alone", () => {
    const bounded = boundedError({ name: "Error", message: "short", details: "x".repeat(20_000) });
    expect(bounded).toEqual({ name: "Error", message: expect.stringMatching(/^short \[truncated by Ferry: the error was \d+ bytes\]$/) });
  });
});
