import { NonRetriableError, RetryAfterError, StepError } from "./errors";
import { retriability } from "./retriability";

const early = { attempt: 0, maxAttempts: 5 };

describe("retriability", () => {
  it("retries plain errors until the last attempt", () => {
    expect(retriability(new Error("x"), early)).toBe(true);
    expect(retriability(new Error("x"), { attempt: 4, maxAttempts: 5 })).toBe(false);
  });
  it("stops on NonRetriableError (also by name)", () => {
    expect(retriability(new NonRetriableError("x"), early)).toBe(false);
    const lookalike = Object.assign(new Error("x"), { name: "NonRetriableError" });
    expect(retriability(lookalike, early)).toBe(false);
  });
  it("returns Retry-After for RetryAfterError: seconds or ISO date", () => {
    expect(retriability(new RetryAfterError("x", 1500), early)).toBe("2");
    expect(retriability(new RetryAfterError("x", new Date("2030-01-01T00:00:00Z")), early)).toBe("2030-01-01T00:00:00.000Z");
  });
  it("stops on a rethrown memoized step error", () => {
    const err = new StepError("s", { name: "Error", message: "m" });
    expect(retriability(err, early, () => true)).toBe(false);
    expect(retriability(err, early, () => false)).toBe(true);
  });
});
