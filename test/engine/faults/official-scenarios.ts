import { NonRetriableError, type InngestFunction } from "inngest";
import type { OfficialClient } from "../../support/official-sdk-ferry";
import type { ScenarioDrive } from "./fault-harness";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A workflow written with the official `inngest` package (v4). */
export interface OfficialScenario extends ScenarioDrive {
  functions: (inngest: OfficialClient) => InngestFunction.Any[];
}

/**
 * The compatibility flows of scenarios.ts written with the official SDK: sequential steps, sleep,
 * waitForEvent (matched and timed out), cancelOn, invoke, parallel steps, retries, onFailure,
 * debounce and concurrency. Each stays small (a handful of runs), since every call crosses real
 * HTTP. Step bodies are deterministic, so a clean run and a run that crashed and converged must
 * end the same.
 *
 * `step.sendEvent` appears only with an event id the app chooses: the official SDK gives sent
 * events no id of its own (unlike ours, which derives one from the run and step), so a call
 * repeated after a crash sends them again, and only a sender id lets the engine drop the
 * repeat. `sendEventWithoutId` below shows that at-least-once case on its own.
 */
export const officialScenarios: OfficialScenario[] = [
  {
    name: "process-video-upload (sequential steps, sleep, sendEvent with an id triggering a second function)",
    horizonMs: HOUR,
    functions: (inngest) => [
      inngest.createFunction({ id: "process-video", triggers: [{ event: "video/uploaded" }] }, async ({ event, step }) => {
        const transcoded = await step.run("transcode-video", () => ({ url: `${String(event.data.url)}.mp4` }));
        const thumbnail = await step.run("generate-thumbnail", () => `${transcoded.url}.jpg`);
        await step.sleep("wait-for-processing", "5m");
        const analysis = await step.run("analyze-content", () => ({ scenes: 3 }));
        await step.sendEvent("send-complete-event", { id: `processed-${String(event.data.id)}`, name: "video/processed", data: { videoId: event.data.id, analysis } });
        return { thumbnail, analysis };
      }),
      inngest.createFunction({ id: "notify-processed", triggers: [{ event: "video/processed" }] }, async ({ event, step }) =>
        step.run("notify", () => ({ notified: event.data.videoId as string })),
      ),
    ],
    drive: async (h) => {
      await h.send([
        { name: "video/uploaded", data: { id: "v1", url: "s3://b/v1.mov" } },
        { name: "video/uploaded", data: { id: "v2", url: "s3://b/v2.mov" } },
      ]);
    },
  },
  {
    name: "approval (waitForEvent matched and timed out) and cancelOn",
    horizonMs: 10 * 24 * HOUR,
    functions: (inngest) => [
      inngest.createFunction({ id: "approval", triggers: [{ event: "workflow/requested" }] }, async ({ event, step }) => {
        const approved = await step.waitForEvent("wait-for-approval", {
          event: "workflow/approved",
          timeout: "7d",
          // The official SDK ignores `if` when `match` is given, so both conditions go in one expression.
          if: "event.data.workflowId == async.data.workflowId && async.data.approved == true",
        });
        return approved ? { workflowId: event.data.workflowId as string, by: approved.data.by as string } : { workflowId: event.data.workflowId as string, timedOut: true };
      }),
      inngest.createFunction({ id: "order", triggers: [{ event: "order/placed" }], cancelOn: [{ event: "order/cancelled", match: "data.orderId" }] }, async ({ event, step }) => {
        await step.sleep("cooling-off", "1h");
        return step.run("ship", () => ({ shipped: event.data.orderId as string }));
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
        { name: "workflow/approved", data: { workflowId: "w1", approved: false, by: "eve" } },
        { name: "workflow/approved", data: { workflowId: "w1", approved: true, by: "alice" } },
        { name: "order/cancelled", data: { orderId: "o1" } },
      ]);
    },
  },
  {
    name: "invoke, parallel steps (Promise.all), retries and onFailure",
    horizonMs: 2 * HOUR,
    functions: (inngest) => {
      let flakyAttempts = 0;
      const child = inngest.createFunction({ id: "child", triggers: [{ event: "test/child" }] }, async ({ event, step }) =>
        step.run("double", () => ({ doubled: (event.data.n as number) * 2 })),
      );
      // Declared apart: inside the returned array, the element type hides onFailure's argument type.
      const doomed = inngest.createFunction(
        {
          id: "doomed",
          triggers: [{ event: "test/doomed" }],
          retries: 1,
          onFailure: async ({ error, step }) => step.run("report", () => ({ handled: error.message })),
        },
        async ({ step }) =>
          step.run("always-fails", () => {
            throw new NonRetriableError("broken for good");
          }),
      );
      return [
        child,
        inngest.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
          const result = await step.invoke("call-child", { function: child, data: { n: 21 } });
          return step.run("after-invoke", () => ({ result }));
        }),
        inngest.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
          const values = await Promise.all(["a", "b", "c"].map((name) => step.run(name, () => name.toUpperCase())));
          return step.run("join", () => values.join(""));
        }),
        inngest.createFunction({ id: "flaky", triggers: [{ event: "test/flaky" }], retries: 3 }, async ({ step }) =>
          step.run("throws-twice", () => {
            flakyAttempts++;
            if (flakyAttempts <= 2) throw new Error(`attempt ${flakyAttempts} failed`);
            return "succeeded";
          }),
        ),
        doomed,
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
    name: "send-notification (debounce, account and function concurrency)",
    horizonMs: HOUR,
    functions: (inngest) => [
      inngest.createFunction(
        {
          id: "send-notification",
          triggers: [{ event: "user/action" }],
          concurrency: [
            { scope: "account", key: "event.data.accountId", limit: 1 },
            { scope: "fn", limit: 2 },
          ],
          debounce: { period: "5s", key: "event.data.userId" },
        },
        async ({ event, step }) => step.run("send", () => ({ to: event.data.userId as string, seq: event.data.seq as number })),
      ),
    ],
    drive: async (h) => {
      const users = [
        { userId: "u1", accountId: "a1" },
        { userId: "u2", accountId: "a1" },
        { userId: "u3", accountId: "a2" },
      ];
      await h.send(users.flatMap((user, i) => [0, 1].map((seq) => ({ name: "user/action", data: { ...user, seq: seq + i * 10 } }))));
      await h.advance(10_000);
      await h.send(users.map((user) => ({ name: "user/action", data: { ...user, seq: 99 } })));
    },
  },
  {
    name: "buffered checkpoints (bufferedSteps: 3: a report of three steps, the last two beside the result)",
    horizonMs: HOUR,
    functions: (inngest) => [
      inngest.createFunction({ id: "buffered", triggers: [{ event: "c/buffered" }], checkpointing: { bufferedSteps: 3 } }, async ({ event, step }) => {
        let total = Number(event.data.base);
        for (let i = 0; i < 5; i++) total += await step.run(`step-${i}`, () => i);
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

/**
 * `step.sendEvent` without an event id: the official SDK sends from inside the call, so a job
 * that crashed after the call and before the engine memoized the step calls again, and the
 * event is sent again (at least once, as on Inngest). The sending run still converges; only the
 * runs the event triggers may be doubled.
 */
export const sendEventWithoutId: OfficialScenario = {
  name: "sendEvent without an event id (at least once)",
  horizonMs: HOUR,
  functions: (inngest) => [
    inngest.createFunction({ id: "announce", triggers: [{ event: "post/published" }] }, async ({ event, step }) => {
      const summary = await step.run("summarize", () => `post ${String(event.data.postId)}`);
      await step.sendEvent("fan-out", { name: "post/announced", data: { postId: event.data.postId, summary } });
      return step.run("done", () => ({ announced: summary }));
    }),
    inngest.createFunction({ id: "on-announced", triggers: [{ event: "post/announced" }] }, async ({ event, step }) =>
      step.run("deliver", () => ({ delivered: event.data.postId as string })),
    ),
  ],
  drive: async (h) => {
    await h.send({ name: "post/published", data: { postId: "p1" } });
  },
};
