import type { RunRecord, StepRecord } from "../core";
import { createLogObserver, describeWaiting } from "./log-observer";

const run = (overrides: Partial<RunRecord> = {}): RunRecord =>
  ({ id: "01RUN", functionId: "shop-fulfil", appId: "shop", status: "Running", events: [], stack: [], pending: {}, parallel: false, createdAt: 0, version: 1, ...overrides }) as RunRecord;

describe("dev server log lines", () => {
  const lines: string[] = [];
  const observer = createLogObserver((line) => lines.push(line));
  beforeEach(() => (lines.length = 0));

  it("says why a run waits, in words", () => {
    const at = Date.parse("2026-01-01T10:05:00Z");
    expect(describeWaiting({ type: "sleeping", stepId: "s", until: at })).toBe("sleeping until 10:05:00");
    expect(describeWaiting({ type: "waiting-for-event", stepId: "s", event: "shop/approved", until: at })).toBe("waiting for shop/approved until 10:05:00");
    expect(describeWaiting({ type: "retrying", attempt: 1, at })).toBe("retrying (attempt 2) at 10:05:00");
    expect(describeWaiting({ type: "concurrency", key: "conc:fn:shop-fulfil:", since: at })).toBe("waiting for capacity on conc:fn:shop-fulfil:");
  });

  it("names a time no date can hold instead of throwing", () => {
    expect(describeWaiting({ type: "waiting-for-event", stepId: "s", event: "x/y", until: 9e15 })).toBe("waiting for x/y until 9000000000000000 ms");
  });

  it("logs each step with its outcome and duration, and each run's end", () => {
    const step = { runId: "01RUN", id: "h", name: "charge", status: "Completed", attempts: 1, errors: [], startedAt: 100, endedAt: 112, version: 1, kind: "run" } as unknown as StepRecord;
    observer.stepFinished?.(run(), step);
    observer.runFinished?.(run({ status: "Failed", endedAt: 500, error: { name: "Error", message: "card declined" } }));
    expect(lines[0]).toMatch(/step.*shop-fulfil.*charge.*✓.*12 ms/);
    expect(lines[1]).toMatch(/run.*shop-fulfil.*01RUN.*Failed.*500 ms.*Error: card declined/);
  });

  it("prints only retries, failures and problems when quiet", () => {
    const quiet = createLogObserver((line) => lines.push(line), false);
    quiet.eventReceived?.("shop/paid", "01EV");
    quiet.runStarted?.(run());
    quiet.runFinished?.(run({ status: "Completed", endedAt: 10 }));
    quiet.stepRetrying?.(run(), undefined, { name: "Error", message: "flaky" }, Date.now() + 1000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/retry.*flaky/);
  });
});
