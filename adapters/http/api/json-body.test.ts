import { HttpError } from "./http-errors";
import { MAX_JSON_DEPTH, nestingExceeds, parseJsonBody } from "./json-body";

const nested = (levels: number, open = "[", close = "]") => open.repeat(levels) + close.repeat(levels);

describe("parseJsonBody", () => {
  it("parses JSON nested up to the limit", () => {
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH) + "1" + "}".repeat(MAX_JSON_DEPTH);
    expect(parseJsonBody(objects)).toHaveProperty("a");
  });

  it.each([
    ["arrays one level too deep", nested(MAX_JSON_DEPTH + 1)],
    ["100,000 levels of [", "[".repeat(100_000)],
    ["objects one level too deep", '{"a":'.repeat(MAX_JSON_DEPTH + 1) + "1" + "}".repeat(MAX_JSON_DEPTH + 1)],
  ])("answers 400 to %s", (_what, body) => {
    expect(() => parseJsonBody(body)).toThrow(HttpError);
    expect(() => parseJsonBody(body)).toThrow(`deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it.each([["empty", "  ", /empty/], ["malformed", "{nope", /not valid JSON/]])("answers 400 to %s bodies", (_what, body, message) => {
    expect(() => parseJsonBody(body)).toThrow(message);
  });
});

describe("nestingExceeds", () => {
  it("ignores brackets, quotes and escapes inside strings", () => {
    const text = JSON.stringify({ s: "[[[[\\\"{{{{", t: ['"', "\\"] });
    expect(nestingExceeds(text, 2)).toBeUndefined();
    expect(nestingExceeds(text, 1)).toBe(text.indexOf("[", text.indexOf("t")));
  });

  it("counts siblings at one level once", () => {
    expect(nestingExceeds("[[1],[2],{\"a\":[3]}]", 3)).toBeUndefined();
    expect(nestingExceeds("[[1],[2],{\"a\":[3]}]", 2)).toBe(14);
  });
});
