import { formatLogLine } from "./log-line";

describe("a function's log line as ferry aws-local prints it", () => {
  const line = (fields: object) => JSON.stringify({ level: "INFO", message: "run completed", timestamp: "2026-11-27T10:00:00Z", service: "ferry", cold_start: true, run_id: "R1", function_id: "app-fn", ...fields });

  it("shows the level, message and run fields of Powertools' JSON, not its noise", () => {
    expect(formatLogLine("Executor", line({}), { quiet: false })).toBe("Executor INFO run completed run_id=R1 function_id=app-fn");
  });

  it("adds an error's stack, and with --quiet keeps only warnings and errors", () => {
    const error = line({ level: "ERROR", message: "call failed", error: { message: "boom", stack: "Error: boom\n    at x" } });
    expect(formatLogLine("Executor", error, { quiet: true })).toBe("Executor ERROR call failed run_id=R1 function_id=app-fn\nError: boom\n    at x");
    expect(formatLogLine("Executor", line({}), { quiet: true })).toBeUndefined();
  });

  it("prints other lines as they are and leaves EMF metric lines out", () => {
    expect(formatLogLine("Api", "Warning: something", { quiet: true })).toBe("Api Warning: something");
    expect(formatLogLine("Api", "{not json", { quiet: false })).toBe("Api {not json");
    expect(formatLogLine("Api", JSON.stringify({ _aws: { Timestamp: 1 }, RunsStarted: 1 }), { quiet: false })).toBeUndefined();
  });
});
