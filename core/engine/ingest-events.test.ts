import { ValidationError } from "../errors";
import { validateEvents } from "./ingest-events";

describe("validateEvents", () => {
  it("accepts one event or an array", () => {
    expect(validateEvents({ name: "a" }, 1000)).toEqual([{ name: "a", data: {}, user: {}, id: undefined, ts: undefined, v: undefined }]);
    expect(validateEvents([{ name: "a" }, { name: "b", data: { x: 1 } }], 1000)).toHaveLength(2);
  });

  it.each([
    [{}, /missing "name"/],
    [{ name: "" }, /missing "name"/],
    [{ name: "a", data: [1] }, /"data" must be an object/],
    [{ name: "a", data: "x" }, /"data" must be an object/],
    [[{ name: "a" }, { name: "b", data: 5 }], /event\[1\] "data"/],
    ["text", /must be a JSON object/],
    [[], /no events/],
    [{ name: "a", ts: "yesterday" }, /"ts"/],
  ])("rejects %p", (payload, message) => {
    expect(() => validateEvents(payload, 1000)).toThrow(ValidationError);
    expect(() => validateEvents(payload, 1000)).toThrow(message);
  });

  it("rejects an event over the size limit", () => {
    expect(() => validateEvents({ name: "a", data: { blob: "x".repeat(2000) } }, 1000)).toThrow(/bytes; the limit is 1000/);
  });
});
