import type { RequestListener } from "node:http";
import { Inngest } from "inngest";
import { serve as serveInngest } from "inngest/node";
import { Ferry } from "@ferry/sdk";
import { serve as serveFerry } from "@ferry/sdk/node";
import { startAppServer, type AppServer } from "../support/app-server";
import { startDevServerProcess, type DevServerProcess } from "../support/dev-server-process";
import { FerryApi } from "../support/ferry-api";

/** The send-notification flow control of SCENARIOS.md, as both SDKs declare it. */
const concurrency: [{ scope: "account"; key: string; limit: number }, { scope: "fn"; limit: number }] = [
  { scope: "account", key: "event.data.accountId", limit: 5 },
  { scope: "fn", limit: 100 },
];
const flowControl = {
  concurrency,
  rateLimit: { limit: 10, period: "1m" as const, key: "event.data.userId" },
  debounce: { period: "5s" as const, key: "event.data.userId" },
};

const ACCOUNT_LIMIT = concurrency[0].limit;

/** What the step bodies observed: executions in flight per account, and who was notified. */
class Observed {
  inFlight = new Map<string, number>();
  peak = new Map<string, number>();
  sent: { userId: string; seq: number }[] = [];

  async send(data: { userId: string; accountId: string; seq: number }): Promise<{ sentTo: string; seq: number }> {
    const now = (this.inFlight.get(data.accountId) ?? 0) + 1;
    this.inFlight.set(data.accountId, now);
    this.peak.set(data.accountId, Math.max(this.peak.get(data.accountId) ?? 0, now));
    // Held until the account's limit is in flight (or 3 s passed), so executions the engine lets
    // overlap do overlap however slowly a loaded machine dispatches them; a fixed pause could
    // end before the fifth arrived. With a limit that were not enforced, more would gather.
    const until = Date.now() + 3_000;
    while ((this.inFlight.get(data.accountId) ?? 0) < ACCOUNT_LIMIT && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.inFlight.set(data.accountId, (this.inFlight.get(data.accountId) ?? 1) - 1);
    this.sent.push({ userId: data.userId, seq: data.seq });
    return { sentTo: data.userId, seq: data.seq };
  }
}

type Data = { userId: string; accountId: string; seq: number };

const apps: Record<string, (baseUrl: string, observed: Observed) => RequestListener> = {
  "@ferry/sdk": (baseUrl, observed) => {
    const ferry = new Ferry({ id: "notify", isDev: true, baseUrl });
    const fn = ferry.createFunction({ id: "send-notification", ...flowControl }, { event: "user/action" }, async ({ event, step }) =>
      step.run("send", () => observed.send(event.data as Data)),
    );
    return serveFerry({ client: ferry, functions: [fn] });
  },
  "official inngest v4": (baseUrl, observed) => {
    const inngest = new Inngest({ id: "notify", isDev: true, baseUrl });
    const fn = inngest.createFunction({ id: "send-notification", triggers: [{ event: "user/action" }], ...flowControl }, async ({ event, step }) =>
      step.run("send", () => observed.send(event.data as Data)),
    );
    return serveInngest({ client: inngest, functions: [fn] });
  },
};

describe.each(Object.keys(apps))("send-notification under a burst of 200 events for 20 users (%s)", (sdk) => {
  let dev: DevServerProcess;
  let app: AppServer;
  let api: FerryApi;
  const observed = new Observed();

  beforeAll(async () => {
    dev = await startDevServerProcess({ args: ["--virtual-clock", "--quiet"] });
    api = new FerryApi(dev.url);
    app = await startAppServer((apps[sdk] as (typeof apps)[string])(dev.url, observed));
    expect((await api.request("POST", "/v1/apps/sync", { url: app.serveUrl })).status).toBe(200);
    await api.waitForFunctions(["notify-send-notification"]);
  });
  afterAll(async () => {
    await app?.close();
    await dev?.kill("SIGTERM");
  });

  it("debounces per user, rate-limits per user, and caps executions per account", async () => {
    const users = Array.from({ length: 20 }, (_, i) => ({ userId: `u${i}`, accountId: `acct${i % 2}` }));
    const burst = Array.from({ length: 200 }, (_, i) => ({ name: "user/action", data: { ...(users[i % 20] as object), seq: Math.floor(i / 20) } }));
    const burstIds = await api.send(burst);
    await api.idle();
    const lastOf = (userIndex: number) => burstIds[180 + userIndex] as string;

    // Each user's last event is held by the debounce, and the API says so.
    const pending = await api.request<{ data: unknown[]; pending: { reason: string }[] }>("GET", `/v1/events/${lastOf(0)}/runs`);
    expect(pending.body.data).toEqual([]);
    expect(pending.body.pending).toEqual([expect.objectContaining({ reason: "debounce" })]);

    // An 11th action per user inside the minute exceeds the rate limit: skipped, not run.
    const extraIds = await api.send(users.map((user) => ({ name: "user/action", data: { ...user, seq: 99 } })));
    await api.idle();

    await api.advance(5_000);
    const runs = await api.until("20 completed runs", async () => {
      const { data } = (await api.request<{ data: { status: string; event_id: string; output: unknown }[] }>("GET", "/v1/runs?limit=1000")).body;
      return data.length === 20 && data.every((run) => run.status === "Completed") ? data : undefined;
    }, 30_000);

    // One run per user, with that user's last accepted event.
    expect(new Set(runs.map((run) => run.event_id))).toEqual(new Set(users.map((_, i) => lastOf(i))));
    expect(observed.sent.map((s) => s.seq).every((seq) => seq === 9)).toBe(true);
    expect(new Set(observed.sent.map((s) => s.userId)).size).toBe(20);

    // At most 5 executing per account at once, and the limit was actually reached.
    for (const account of ["acct0", "acct1"]) {
      // Ten users per account become due at the same moment, so the limit is reached exactly.
      expect(observed.peak.get(account)).toBe(ACCOUNT_LIMIT);
    }

    // Every event has exactly one outcome: a run, a debounce-superseded skip, or a rate-limit skip.
    const outcome = async (id: string) => {
      const body = (await api.request<{ data: unknown[]; skipped: { reason: string }[]; pending: unknown[] }>("GET", `/v1/events/${id}/runs`)).body;
      expect(body.data.length + body.skipped.length).toBe(1);
      return body.data.length ? "run" : (body.skipped[0]?.reason as string);
    };
    const tally: Record<string, number> = {};
    for (const id of [...burstIds, ...extraIds]) {
      const kind = await outcome(id);
      tally[kind] = (tally[kind] ?? 0) + 1;
    }
    expect(tally).toEqual({ run: 20, "debounce-superseded": 180, "rate-limited": 20 });
  });
});
