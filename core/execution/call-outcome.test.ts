import { interpretResponse } from "./call-outcome";

const sdk = { "x-inngest-sdk": "js:v4.24.0" };
const now = Date.parse("2026-01-01T00:00:00Z");

describe("interpretResponse", () => {
  it("reads a 200 as the function's return value", () => {
    expect(interpretResponse({ status: 200, headers: sdk, body: '{"ok":1}' }, now)).toEqual({ type: "completed", output: { ok: 1 } });
  });

  it("reads a 206 as opcodes", () => {
    const outcome = interpretResponse({ status: 206, headers: sdk, body: '[{"op":"StepRun","id":"abc","name":"a","data":5}]' }, now);
    expect(outcome).toMatchObject({ type: "ops", ops: [{ op: "StepRun", id: "abc", data: 5 }] });
  });

  it("treats a RunComplete opcode as completion, unwrapping {data}", () => {
    const outcome = interpretResponse({ status: 206, headers: sdk, body: '[{"op":"RunComplete","id":"x","data":{"data":"done"}}]' }, now);
    expect(outcome).toEqual({ type: "completed", output: "done" });
  });

  it("keeps the steps that finished in the same answer as RunComplete", () => {
    const body = '[{"op":"StepRun","id":"s1","name":"a","data":1},{"op":"RunComplete","id":"x","data":{"data":"done"}}]';
    expect(interpretResponse({ status: 206, headers: sdk, body }, now)).toMatchObject({ type: "completed", output: "done", steps: [{ op: "StepRun", id: "s1", data: 1 }] });
  });

  it("does not trust a 2xx without the SDK header (a proxy or the wrong URL)", () => {
    const outcome = interpretResponse({ status: 200, headers: {}, body: "<html>" }, now);
    expect(outcome).toMatchObject({ type: "function-error", retriable: true });
  });

  it("honours X-Inngest-No-Retry and Retry-After on errors", () => {
    const fatal = interpretResponse({ status: 400, headers: { ...sdk, "x-inngest-no-retry": "true" }, body: '{"name":"NonRetriableError","message":"no"}' }, now);
    expect(fatal).toMatchObject({ type: "function-error", retriable: false, error: { name: "NonRetriableError", message: "no" } });
    const later = interpretResponse({ status: 500, headers: { ...sdk, "x-inngest-no-retry": "false", "retry-after": "30" }, body: "{}" }, now);
    expect(later).toMatchObject({ type: "function-error", retriable: true, retryAt: now + 30_000 });
  });

  it("keeps a non-JSON error body as the message", () => {
    const outcome = interpretResponse({ status: 502, headers: {}, body: "Bad Gateway" }, now);
    expect(outcome).toMatchObject({ type: "function-error", retriable: true, error: { message: "HTTP 502: Bad Gateway" } });
  });

  it("rejects a 206 that is not an op array as a retriable fault", () => {
    expect(interpretResponse({ status: 206, headers: sdk, body: '{"op":"x"}' }, now)).toMatchObject({ type: "function-error", retriable: true });
  });
});
