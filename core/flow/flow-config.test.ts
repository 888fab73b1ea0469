import { ValidationError } from "../errors";
import { readFlowConfig } from "./flow-config";

const base = { id: "app-send", name: "Send", triggers: [{ event: "user/action" }], steps: {} };
const read = (extra: Record<string, unknown>) => readFlowConfig("app-send", { ...base, ...extra });

describe("readFlowConfig", () => {
  it("normalizes the send-notification configuration", () => {
    const flow = read({
      concurrency: [{ scope: "account", limit: 5, key: "event.data.accountId" }, { scope: "fn", limit: 100 }],
      rateLimit: { limit: 10, period: "1m", key: "event.data.userId" },
      debounce: { period: "5s", key: "event.data.userId" },
    });
    expect(flow.concurrency).toEqual([
      { scope: "account", limit: 5, key: "event.data.accountId" },
      { scope: "fn", limit: 100, key: undefined },
    ]);
    expect(flow.rateLimit).toEqual({ limit: 10, periodMs: 60_000, key: "event.data.userId" });
    expect(flow.debounce).toEqual({ periodMs: 5000, key: "event.data.userId", timeoutMs: undefined });
  });

  it("accepts the number and object forms of concurrency", () => {
    expect(read({ concurrency: 3 }).concurrency).toEqual([{ limit: 3, scope: "fn", key: undefined }]);
    expect(read({ concurrency: { limit: 2, key: "event.data.id" } }).concurrency).toEqual([{ limit: 2, scope: "fn", key: "event.data.id" }]);
  });

  it.each([
    [{ retries2: 1 }, /retries2: unknown option/],
    [{ concurrency: [{ limit: 1 }, { limit: 2 }, { limit: 3 }] }, /concurrency: at most 2/],
    [{ concurrency: [{ limit: 1, scope: "galaxy" }] }, /concurrency\[0\]\.scope/],
    [{ concurrency: [{ limit: 1, key: "event.data.==" }] }, /concurrency\[0\]\.key/],
    [{ rateLimit: { limit: 1, period: "2d" } }, /rateLimit\.period: must be between 1s and 86400s/],
    [{ debounce: { period: "500ms" } }, /debounce\.period/],
    [{ debounce: { period: "8d" } }, /debounce\.period/],
    [{ throttle: { limit: 0, period: "1m" } }, /throttle\.limit/],
    [{ batchEvents: { maxSize: 10, timeout: "5s" }, debounce: { period: "5s" } }, /debounce: cannot be combined with batchEvents/],
    [{ batchEvents: { maxSize: 10, timeout: "5s" }, cancel: [{ event: "x" }] }, /cancel: cannot be combined with batchEvents/],
    [{ batchEvents: { maxSize: 10, timeout: "5s" }, singleton: { mode: "skip" } }, /singleton: cannot/],
    [{ batchEvents: { maxSize: 10, timeout: "5s" }, priority: { run: "1" } }, /priority: cannot/],
    [{ batchEvents: { maxSize: 10, timeout: "2m" } }, /batchEvents\.timeout/],
    [{ cancel: [1, 2, 3, 4, 5, 6].map(() => ({ event: "x" })) }, /cancel: at most 5/],
    [{ singleton: { mode: "later" } }, /singleton\.mode/],
    [{ idempotency: "event.data.id +" }, /idempotency/],
    [{ timeouts: { start: "soon" } }, /timeouts\.start/],
    [{ timeouts: { start: -1 } }, /timeouts\.start: -1 is not a non-negative duration/],
    [{ timeouts: { start: "-5m" } }, /timeouts\.start: "-5m" is not a non-negative duration/],
    [{ timeouts: { finish: JSON.parse("1e400") } }, /timeouts\.finish: Infinity is not a non-negative duration/],
    [{ timeouts: { finish: Number.NaN } }, /timeouts\.finish: NaN is not/],
    [{ timeouts: { finish: "11y" } }, /timeouts\.finish: must be between 0s and 315576000s/],
    [{ timeouts: { start: 9e15 } }, /timeouts\.start: must be between/],
    [{ cancel: [{ event: "x", timeout: "-1d" }] }, /cancel\[0\]\.timeout: "-1d" is not a non-negative duration/],
    [{ cancel: [{ event: "x", timeout: -1000 }] }, /cancel\[0\]\.timeout: -1000 is not/],
    [{ cancel: [{ event: "x", timeout: "100000y" }] }, /cancel\[0\]\.timeout: must be between/],
  ])("rejects %p naming the function and field", (extra, message) => {
    expect(() => read(extra)).toThrow(ValidationError);
    expect(() => read(extra)).toThrow(message);
    expect(() => read(extra)).toThrow(/function "app-send"/);
  });

  it("accepts durations up to 10 years where no tighter range applies", () => {
    const flow = read({ timeouts: { start: 0, finish: "10y" }, cancel: [{ event: "x", timeout: "30d" }] });
    expect(flow.timeouts).toEqual({ startMs: 0, finishMs: 315_576_000_000 });
    expect(flow.cancel[0]?.timeoutMs).toBe(30 * 86_400_000);
  });
});
