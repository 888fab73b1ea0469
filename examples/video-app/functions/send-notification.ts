import { ferry } from "../client";

/**
 * The send-notification scenario: at most 5 executing per account and 100 overall, at most
 * 10 runs per user per minute, and a burst of actions from one user collapses into one run
 * 5 s after the last.
 */
export const sendNotification = ferry.createFunction(
  {
    id: "send-notification",
    concurrency: [
      { scope: "account", key: "event.data.accountId", limit: 5 },
      { scope: "fn", limit: 100 },
    ],
    rateLimit: { limit: 10, period: "1m", key: "event.data.userId" },
    debounce: { period: "5s", key: "event.data.userId" },
  },
  { event: "user/action" },
  async ({ event, step }) => {
    return step.run("send", () => ({ sentTo: event.data.userId, action: event.data.action ?? null }));
  },
);
