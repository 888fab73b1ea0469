import { describe, expect, it } from "@jest/globals";
import { backoffSeconds } from "./retry-backoff";

describe("retry backoff", () => {
  it("retries a fresh failure at once and backs off with how long the message has been failing, up to five minutes", () => {
    expect([0, 1999, 2000, 10_000, 60_000, 3_600_000].map(backoffSeconds)).toEqual([0, 0, 1, 5, 30, 300]);
  });

  it("grows each round when every retry fails at once (about 1.5 times)", () => {
    const waits: number[] = [];
    for (let failingFor = 0, round = 0; round < 12; round++) {
      const wait = backoffSeconds(failingFor);
      waits.push(wait);
      failingFor += Math.max(wait, 1) * 1000;
    }
    expect(waits.slice(0, 3)).toEqual([0, 0, 1]);
    expect(waits[11]).toBeGreaterThan(20);
    expect(waits.every((wait, k) => k === 0 || wait >= (waits[k - 1] as number))).toBe(true);
  });
});
