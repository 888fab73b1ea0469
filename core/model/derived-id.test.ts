import { monotonicFactory } from "ulid";
import { derivedUlid, stableHash, ulidTime } from "./derived-id";

describe("derived ids", () => {
  it("are ULID-shaped, carry the time, and depend only on their inputs", () => {
    const id = derivedUlid(Date.parse("2026-03-01T00:00:00Z"), "run", "app-fn", "01EVENT");
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ulidTime(id)).toBe(Date.parse("2026-03-01T00:00:00Z"));
    expect(derivedUlid(Date.parse("2026-03-01T00:00:00Z"), "run", "app-fn", "01EVENT")).toBe(id);
    expect(derivedUlid(Date.parse("2026-03-01T00:00:00Z"), "run", "app-fn", "01EVENU")).not.toBe(id);
  });

  it("keep part boundaries apart", () => {
    expect(derivedUlid(0, "a:b", "c")).not.toBe(derivedUlid(0, "a", "b:c"));
    expect(stableHash(["ab", "c"])).not.toBe(stableHash(["a", "bc"]));
  });

  it("read the same time as the ulid package writes", () => {
    const at = Date.parse("2030-01-02T03:04:05.678Z");
    expect(ulidTime(monotonicFactory()(at))).toBe(at);
  });

  it("sort with time like fresh ULIDs", () => {
    expect(derivedUlid(1000, "x") < derivedUlid(2000, "a")).toBe(true);
  });
});
