import { ValidationError } from "../errors";
import { compileExpression, evaluateKey, evaluateNumber, matches } from "./cel";

describe("CEL expressions", () => {
  it("matches waits with event and async bound", () => {
    const vars = { event: { data: { workflowId: "w1" } }, async: { data: { workflowId: "w1", approved: true } } };
    expect(matches("event.data.workflowId == async.data.workflowId && async.data.approved == true", vars)).toBe(true);
    expect(matches("async.data.approved == false", vars)).toBe(false);
  });

  it("treats evaluation errors (missing fields) as no match", () => {
    expect(matches("event.data.nope == 1", { event: { data: {} } })).toBe(false);
  });

  it("rejects bad syntax with a ValidationError naming the field", () => {
    expect(() => compileExpression("event.data ==", "triggers[0].expression")).toThrow(ValidationError);
    expect(() => compileExpression("event.data ==", "triggers[0].expression")).toThrow(/triggers\[0\]\.expression/);
  });

  it("evaluates keys to strings and numbers", () => {
    expect(evaluateKey("event.data.userId", { event: { data: { userId: "u1" } } })).toBe("u1");
    expect(evaluateKey("event.data.n", { event: { data: { n: 3 } } })).toBe("3");
    expect(evaluateKey("event.data.missing", { event: { data: {} } })).toBeUndefined();
    expect(evaluateNumber("event.data.boost > 1 ? 120 : 0", { event: { data: { boost: 2 } } })).toBe(120);
  });
});
