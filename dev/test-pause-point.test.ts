import type { EngineDeps } from "../core";
import { formatPausePoint, parsePausePoint, pausePointFromEnv, pausingHandler } from "./test-pause-point";

describe("FERRY_TEST_PAUSE_AT syntax", () => {
  it("reads port.method, before/after, the count and the job type", () => {
    expect(parsePausePoint("runs.putRun:after:2:call")).toEqual({ port: "runs", method: "putRun", when: "after", nth: 2, jobType: "call" });
    expect(parsePausePoint("queue.enqueue:before")).toEqual({ port: "queue", method: "enqueue", when: "before", nth: 1, jobType: undefined });
    expect(parsePausePoint("timers.schedule:after:wait-timeout")).toMatchObject({ nth: 1, jobType: "wait-timeout" });
    expect(formatPausePoint(parsePausePoint("runs.putStep:after:wake"))).toBe("runs.putStep:after:1:wake");
  });

  it.each([
    ["putRun:after", /not <port>.<method>/],
    ["store.putRun:after", /unknown port "store"/],
    ["runs.putRun:during", /neither before nor after/],
    ["runs.putRun:after:0", /count must be 1 or more/],
    ["runs.putRun:after:1:calls", /unknown job type "calls"/],
    ["runs.putRun:after:1:call:x", /unexpected "x"/],
  ])("refuses %s", (text, message) => {
    expect(() => parsePausePoint(text)).toThrow(message);
  });

  it("is off (nothing wrapped) when unset or empty", () => {
    expect(pausePointFromEnv({}, () => {})).toBeUndefined();
    expect(pausePointFromEnv({ FERRY_TEST_PAUSE_AT: "" }, () => {})).toBeUndefined();
    expect(pausePointFromEnv({ FERRY_TEST_PAUSE_AT: "runs.putRun:after" }, () => {})?.point.method).toBe("putRun");
  });

  it("refuses a method the port does not have", () => {
    const deps = { runs: { putRun: async () => {} } } as unknown as EngineDeps;
    expect(() => pausingHandler(parsePausePoint("runs.putRun:after"), () => {}).verify(deps)).not.toThrow();
    expect(() => pausingHandler(parsePausePoint("runs.putRuns:after"), () => {}).verify(deps)).toThrow(/no method "putRuns"/);
  });
});
