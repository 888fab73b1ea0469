import { testClient } from "./test-helpers";

const serveUrl = "http://localhost:3000/api/inngest";

describe("function registration", () => {
  it("builds id, triggers, step runtime and default retries", () => {
    const fn = testClient().createFunction({ id: "hello", name: "Hello" }, { event: "app/hello" }, async () => "hi");
    expect(fn.registration(serveUrl)).toEqual({
      id: "app-hello",
      name: "Hello",
      triggers: [{ event: "app/hello" }],
      steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `${serveUrl}?fnId=app-hello&stepId=step` }, retries: { attempts: 4 } } },
    });
  });

  it("passes flow control through and converts cancelOn", () => {
    const fn = testClient().createFunction(
      {
        id: "flow",
        retries: 2,
        concurrency: [{ limit: 2, key: "event.data.user" }],
        throttle: { limit: 1, period: "1s" },
        rateLimit: { limit: 5, period: "1m" },
        debounce: { period: "5s", key: "event.data.id" },
        batchEvents: { maxSize: 10, timeout: "5s" },
        priority: { run: "event.data.vip ? 60 : 0" },
        idempotency: "event.data.orderId",
        singleton: { mode: "skip" },
        timeouts: { finish: "1h" },
        cancelOn: [{ event: "app/cancel", match: "data.id", timeout: "1d" }, { event: "app/stop", if: "async.data.all" }],
      },
      { event: "app/go" },
      async () => null,
    );
    const reg = fn.registration(serveUrl);
    expect(reg).toMatchObject({
      steps: { step: { retries: { attempts: 2 } } },
      concurrency: [{ limit: 2, key: "event.data.user" }],
      throttle: { limit: 1, period: "1s" },
      rateLimit: { limit: 5, period: "1m" },
      debounce: { period: "5s", key: "event.data.id" },
      batchEvents: { maxSize: 10, timeout: "5s" },
      priority: { run: "event.data.vip ? 60 : 0" },
      idempotency: "event.data.orderId",
      singleton: { mode: "skip" },
      timeouts: { finish: "1h" },
      cancel: [{ event: "app/cancel", if: "event.data.id == async.data.id", timeout: "1d" }, { event: "app/stop", if: "async.data.all" }],
    });
    expect(reg).not.toHaveProperty("cancelOn");
  });

  it("registers onFailure as a second function", () => {
    const onFailure = jest.fn();
    const fn = testClient().createFunction({ id: "pay", name: "Pay", onFailure }, { event: "app/pay" }, async () => null);
    const [, failure] = fn.all();
    expect(failure?.registration(serveUrl)).toEqual({
      id: "app-pay-failure",
      name: "Pay (failure)",
      triggers: [{ event: "inngest/function.failed", expression: "event.data.function_id == 'app-pay'" }],
      steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `${serveUrl}?fnId=app-pay-failure&stepId=step` }, retries: { attempts: 1 } } },
    });
  });
});
