import { NonRetriableError } from "@ferry/sdk";
import type { Scenario } from "./fault-harness";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The workflows the fault harness breaks: the reference scenarios of SCENARIOS.md and the
 * compatibility flows (sequential steps, sleep, waitForEvent match and timeout, invoke,
 * parallel, retries, onFailure, cancelOn, debounce, rate limit, concurrency, batching,
 * singleton, throttle). Step bodies are deterministic, so a clean run and a run that crashed
 * and converged must end the same.
 */
export const scenarios: Scenario[] = [
  {
    name: "process-video-upload (steps, sleep, sendEvent triggering a second function)",
    horizonMs: HOUR,
    functions: (client) => [
      client.createFunction({ id: "process-video" }, { event: "video/uploaded" }, async ({ event, step }) => {
        const transcoded = await step.run("transcode-video", () => ({ url: `${String(event.data.url)}.mp4` }));
        const thumbnail = await step.run("generate-thumbnail", () => `${transcoded.url}.jpg`);
        await step.sleep("wait-for-processing", "5m");
        const analysis = await step.run("analyze-content", () => ({ scenes: 3 }));
        await step.sendEvent("send-complete-event", { name: "video/processed", data: { videoId: event.data.id, analysis } });
        return { thumbnail, analysis };
      }),
      client.createFunction({ id: "notify-processed" }, { event: "video/processed" }, async ({ event, step }) => step.run("notify", () => ({ notified: event.data.videoId }))),
    ],
    drive: async (h) => {
      await h.send([
        { name: "video/uploaded", data: { id: "v1", url: "s3://b/v1.mov" } },
        { name: "video/uploaded", data: { id: "v2", url: "s3://b/v2.mov" } },
      ]);
    },
  },
  {
    name: "approval (waitForEvent matched, timed out, and cancelOn)",
    horizonMs: 10 * 24 * HOUR,
    functions: (client) => [
      client.createFunction({ id: "approval" }, { event: "workflow/requested" }, async ({ event, step }) => {
        const approved = await step.waitForEvent("wait-for-approval", { event: "workflow/approved", timeout: "7d", match: "data.workflowId", if: "async.data.approved == true" });
        return approved ? { workflowId: event.data.workflowId, by: approved.data.by } : { workflowId: event.data.workflowId, timedOut: true };
      }),
      client.createFunction({ id: "order", cancelOn: [{ event: "order/cancelled", match: "data.orderId" }] }, { event: "order/placed" }, async ({ event, step }) => {
        await step.sleep("cooling-off", "1h");
        return step.run("ship", () => ({ shipped: event.data.orderId }));
      }),
    ],
    drive: async (h) => {
      await h.send([
        { name: "workflow/requested", data: { workflowId: "w1" } },
        { name: "workflow/requested", data: { workflowId: "w2" } },
        { name: "order/placed", data: { orderId: "o1" } },
        { name: "order/placed", data: { orderId: "o2" } },
      ]);
      await h.advance(10 * MINUTE);
      await h.send([
        { name: "workflow/approved", data: { workflowId: "w1", approved: true, by: "alice" } },
        { name: "order/cancelled", data: { orderId: "o1" } },
      ]);
    },
  },
  {
    name: "parallel steps, invoke, retries and onFailure",
    horizonMs: 2 * HOUR,
    functions: (client) => {
      const attempts = new Map<string, number>();
      const child = client.createFunction({ id: "child" }, { event: "test/child" }, async ({ event, step }) => step.run("double", () => ({ doubled: (event.data.n as number) * 2 })));
      return [
        child,
        client.createFunction({ id: "parent" }, { event: "test/parent" }, async ({ step }) => {
          const result = await step.invoke("call-child", { function: child, data: { n: 21 } });
          return step.run("after-invoke", () => ({ result }));
        }),
        client.createFunction({ id: "parallel" }, { event: "test/parallel" }, async ({ step }) => {
          const values = await Promise.all(["a", "b", "c"].map((name) => step.run(name, () => name.toUpperCase())));
          return step.run("join", () => values.join(""));
        }),
        client.createFunction({ id: "flaky", retries: 3 }, { event: "test/flaky" }, async ({ step }) =>
          step.run("throws-twice", () => {
            const attempt = (attempts.get("flaky") ?? 0) + 1;
            attempts.set("flaky", attempt);
            if (attempt <= 2) throw new Error(`attempt ${attempt} failed`);
            return "succeeded";
          }),
        ),
        client.createFunction(
          { id: "doomed", retries: 1, onFailure: async ({ error, step }) => step.run("report", () => ({ handled: error.message })) },
          { event: "test/doomed" },
          async ({ step }) =>
            step.run("always-fails", () => {
              throw new NonRetriableError("broken for good");
            }),
        ),
      ];
    },
    drive: async (h) => {
      await h.send([
        { name: "test/parent", data: {} },
        { name: "test/parallel", data: {} },
        { name: "test/flaky", data: {} },
        { name: "test/doomed", data: {} },
      ]);
    },
  },
  {
    name: "send-notification (account and function concurrency, rate limit, debounce)",
    horizonMs: HOUR,
    functions: (client) => [
      client.createFunction(
        {
          id: "send-notification",
          concurrency: [{ scope: "account", key: "event.data.accountId", limit: 1 }, { scope: "fn", limit: 2 }],
          rateLimit: { limit: 2, period: "1m", key: "event.data.userId" },
          debounce: { period: "5s", key: "event.data.userId" },
        },
        { event: "user/action" },
        async ({ event, step }) => step.run("send", () => ({ to: event.data.userId, seq: event.data.seq })),
      ),
    ],
    drive: async (h) => {
      const users = [
        { userId: "u1", accountId: "a1" },
        { userId: "u2", accountId: "a1" },
        { userId: "u3", accountId: "a2" },
      ];
      await h.send(users.flatMap((user, i) => [0, 1, 2].map((seq) => ({ name: "user/action", data: { ...user, seq: seq + i * 10 } }))));
      await h.advance(10_000);
      await h.send(users.map((user) => ({ name: "user/action", data: { ...user, seq: 99 } })));
    },
  },
  {
    name: "batching, singleton and throttle",
    horizonMs: HOUR,
    functions: (client) => [
      client.createFunction({ id: "batcher", batchEvents: { maxSize: 3, timeout: "5s" } }, { event: "b/item" }, async ({ events, step }) =>
        step.run("sum", () => events.reduce((total, event) => total + (event.data.n as number), 0)),
      ),
      client.createFunction({ id: "single", singleton: { key: "event.data.tenant", mode: "skip" } }, { event: "s/job" }, async ({ event, step }) => {
        await step.sleep("hold", "1m");
        return step.run("done", () => event.data.n);
      }),
      client.createFunction({ id: "throttled", throttle: { limit: 1, period: "10s" } }, { event: "t/job" }, async ({ event, step }) => step.run("go", () => event.data.n)),
    ],
    drive: async (h) => {
      await h.send([1, 2, 3, 4].map((n) => ({ name: "b/item", data: { n } })));
      await h.send([
        { name: "s/job", data: { tenant: "x", n: 1 } },
        { name: "s/job", data: { tenant: "y", n: 2 } },
      ]);
      await h.send({ name: "s/job", data: { tenant: "x", n: 3 } });
      await h.send([1, 2, 3].map((n) => ({ name: "t/job", data: { n } })));
    },
  },
  {
    name: "large step outputs and a large batch, kept in the PayloadStore",
    horizonMs: HOUR,
    functions: (client) => [
      client.createFunction({ id: "big" }, { event: "p/big" }, async ({ step }) => {
        const blob = await step.run("blob", () => "b".repeat(100 * 1024));
        return step.run("size", () => blob.length);
      }),
      client.createFunction({ id: "big-batch", batchEvents: { maxSize: 4, timeout: "5s" } }, { event: "p/item" }, async ({ events, step }) =>
        step.run("total", () => events.reduce((total, event) => total + String(event.data.blob).length, 0)),
      ),
    ],
    drive: async (h) => {
      await h.send({ name: "p/big", data: {} });
      await h.send([1, 2, 3, 4, 5].map((n) => ({ name: "p/item", data: { n, blob: "c".repeat(30 * 1024) } })));
    },
  },
  {
    name: "buffered checkpoints (our SDK's bufferedSteps: steps reported three at a time, the rest answered beside the result)",
    horizonMs: HOUR,
    functions: (client) => [
      client.createFunction({ id: "buffered", checkpointing: { bufferedSteps: 3 } }, { event: "c/buffered" }, async ({ event, step }) => {
        let total = Number(event.data.base);
        for (let i = 0; i < 4; i++) total += await step.run(`before-${i}`, () => i);
        await step.sleep("pause", "1m");
        for (let i = 0; i < 2; i++) total += await step.run(`after-${i}`, () => 10 * i);
        return total;
      }),
    ],
    drive: async (h) => {
      await h.send([
        { name: "c/buffered", data: { base: 100 } },
        { name: "c/buffered", data: { base: 200 } },
      ]);
    },
  },
];
