import { isoTime } from "./iso-time";

describe("isoTime", () => {
  it("formats representable times", () => {
    expect(isoTime(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(isoTime(8.64e15)).toBe("+275760-09-13T00:00:00.000Z");
  });

  it.each([[8.64e15 + 1], [9e15], [-9e15], [Number.NaN], [Infinity], [undefined], [null], ["2026-01-01"]])("is null for %p", (value) =>
    expect(isoTime(value)).toBeNull(),
  );
});
