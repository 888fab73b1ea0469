import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAppHost, type AppHost } from "../aws/prod-bed/app-host";
import { synthesize } from "../../aws-local/prod-bed/cloud-assembly";
import { startProdBed, type ProdBed } from "../../aws-local/prod-bed/prod-bed";
import type { RequestCounts } from "../../aws-local/prod-bed/request-counter";
import { startDashboardProxy } from "../../dev/dashboard-proxy/dashboard-proxy";
import { costPerMillionSteps } from "./aws-prices";
import { DeploymentApi, syncThroughCustomResource } from "./prod-path-support";

jest.setTimeout(180_000);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The production path, offline: the Lambda bundles `cdk synth` produced, each in its own
 * process, wired as the synthesized template wires them (HTTP API -> ingest and api; bus ->
 * rule -> route queue -> runner; FIFO run queue -> executor; delay queue and Scheduler ->
 * timer), on the AWS test bed; apps of our SDK (`@ferry/sdk/lambda`) and of the official SDK
 * (`inngest/lambda`) on function URLs on loopback, registered by the app-sync custom resource.
 */
describe("the production path (synthesized bundles on the offline AWS bed)", () => {
  let outdir: string;
  let bed: ProdBed;
  let api: DeploymentApi;
  const apps: Record<"ours" | "official", AppHost> = {} as never;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "ferry-synth-"));
    bed = await startProdBed(await synthesize(outdir, "bed"));
    api = new DeploymentApi(bed);
    apps.ours = await startAppHost(join(__dirname, "apps/ferry-sdk-app.ts"), bed.clock, bed);
    apps.official = await startAppHost(join(__dirname, "apps/official-sdk-app.ts"), bed.clock, bed);
    for (const app of Object.values(apps)) {
      const answer = await syncThroughCustomResource(bed, app.url);
      expect(answer).toMatchObject({ Status: "SUCCESS" });
    }
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app?.close();
    await bed?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it("registers both apps through the app-sync custom resource", async () => {
    const { body } = await api.request<{ data: { id: string }[] }>("GET", "/v1/functions");
    const ids = body.data.map((fn) => fn.id);
    expect(ids).toEqual(expect.arrayContaining(["bed-ours-process-video-upload", "bed-official-process-video-upload", "bed-ours-send-notification"]));
  });

  it("refuses what a deployment must not accept, with a clear 4xx, and stores nothing of it", async () => {
    const events = async () => (await api.request<{ data: unknown[] }>("GET", "/v1/events?limit=1000")).body.data.length;
    const stored = await events();
    const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${bed.apiUrl}${path}`, { method: "POST", body, headers });
    const wrongKey = await post("e/not-the-key", JSON.stringify({ name: "app/x" }));
    expect([wrongKey.status, await wrongKey.json()]).toEqual([401, { error: "event key not recognized", status: 401 }]);
    const badJson = await post(`e/${bed.eventKey}`, "{not json");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const noName = await post(`e/${bed.eventKey}`, JSON.stringify([{ name: "app/ok" }, { data: {} }]));
    expect(noName.status).toBe(400);
    expect(await events()).toBe(stored);
    // The management API is open to no one without the signing key.
    expect((await fetch(`${bed.apiUrl}v1/runs`)).status).toBe(401);
    expect((await fetch(`${bed.apiUrl}v1/runs`, { headers: { authorization: "Bearer signkey-prod-0000" } })).status).toBe(401);
    expect((await post("fn/register", JSON.stringify({ url: "http://127.0.0.1:1/", functions: [] }))).status).toBe(401);
    expect((await post("v1/apps/sync", JSON.stringify({ url: "http://127.0.0.1:1/" }))).status).toBe(401);
    // The api Lambda's function URL is open to the internet as the HTTP API is: the same checks.
    const sdkUrl = bed.functionUrls.Api as string;
    expect((await fetch(`${sdkUrl}v1/runs`)).status).toBe(401);
    expect((await fetch(`${sdkUrl}fn/register`, { method: "POST", body: JSON.stringify({ url: "http://127.0.0.1:1/", functions: [] }) })).status).toBe(401);
    expect((await fetch(`${sdkUrl}v1/checkpoint/01ANYRUN/async`, { method: "POST", body: "{}" })).status).toBe(401);
  });

  it("process-video-upload on both SDKs from one event: a 5-minute sleep through the delay queue, each step once, the completion events trigger their listener", async () => {
    const [eventId] = await api.send({ name: "video/uploaded", data: { id: "v1", url: "s3://in/v.mov" } });
    await bed.advance(0);
    const runs = await api.runsOf(eventId as string);
    expect(runs.map((r) => [r.function_id, r.status]).sort()).toEqual([
      ["bed-official-process-video-upload", "Running"],
      ["bed-ours-process-video-upload", "Running"],
    ]);
    expect(apps.ours.count("analyze") + apps.official.count("analyze")).toBe(0);
    await bed.advance(5 * MINUTE);
    for (const run of runs) expect(await api.run(run.run_id)).toMatchObject({ status: "Completed", output: { analysis: { scenes: 3, source: "s3://in/v.mov.mp4" } } });
    for (const app of Object.values(apps)) {
      expect(app.count("transcode")).toBe(1);
      expect(app.count("analyze")).toBe(1);
    }
    // Our app's listener heard both apps' video/processed.
    expect(apps.ours.observations.filter((o) => o.name === "processed").map((o) => o.data)).toEqual(["v1", "v1"]);
  });
  it("a 3-day sleep goes through a Scheduler schedule and the delay queue, and the schedule cleans itself up", async () => {
    const created = bed.scheduler.calls.filter((c) => c.operation === "CreateSchedule").length;
    const [eventId] = await api.send({ name: "test/nap", data: {} });
    await bed.advance(0);
    expect(bed.scheduler.calls.filter((c) => c.operation === "CreateSchedule").length).toBe(created + 1);
    const beforeFiring = bed.counter.snapshot();
    const firings = bed.scheduler.deliveries.length;
    await bed.advance(3 * DAY - MINUTE);
    // The schedule fired once, into the delay queue: Scheduler's SendMessage is billed to the
    // account and counted, beside the timer Lambda's send of the wait's last minutes.
    expect(bed.scheduler.deliveries.length - firings).toBe(1);
    expect(bed.counter.since(beforeFiring)["SQS.SendMessage"]).toBeGreaterThanOrEqual(2);
    expect(apps.ours.count("woke")).toBe(0);
    await bed.advance(2 * MINUTE);
    const [run] = await api.runsOf(eventId as string);
    expect(await api.run(run?.run_id as string)).toMatchObject({ status: "Completed", output: "rested" });
    expect(apps.ours.count("woke")).toBe(1);
    expect(bed.scheduler.schedules().filter((s) => s.state === "ENABLED")).toEqual([]);
  });

  it.each(["ours", "official"] as const)("waitForEvent resumes on the matching event and times out after 7 days (%s SDK)", async (sdk) => {
    const app = apps[sdk];
    const fn = `bed-${sdk}-approval`;
    const [approvedId] = await api.send({ name: "workflow/requested", data: { workflowId: `${sdk}-a` } });
    const [timedOutId] = await api.send({ name: "workflow/requested", data: { workflowId: `${sdk}-b` } });
    await bed.advance(MINUTE);
    await api.send({ name: "workflow/approved", data: { workflowId: `${sdk}-a` } });
    await bed.advance(0);
    const approved = (await api.runsOf(approvedId as string)).find((r) => r.function_id === fn);
    expect(await api.run(approved?.run_id as string)).toMatchObject({ status: "Completed", output: "approved" });
    await bed.advance(7 * DAY);
    const timedOut = (await api.runsOf(timedOutId as string)).find((r) => r.function_id === fn);
    const seen = await api.run(timedOut?.run_id as string);
    expect(seen).toMatchObject({ status: "Completed", output: "timed out" });
    // Both apps' approval functions hear every request: this SDK's own are the ones named for it.
    expect(app.observations.filter((o) => o.name === "approval" && String((o.data as { workflowId: string }).workflowId).startsWith(sdk)).map((o) => o.data)).toEqual([
      { workflowId: `${sdk}-a`, approved: true },
      { workflowId: `${sdk}-b`, approved: false },
    ]);
  });

  it("invoke returns the child's result, and onFailure runs after a failure (both SDKs)", async () => {
    const [parentId] = await api.send({ name: "test/parent", data: {} });
    const [doomedId] = await api.send({ name: "test/doomed", data: {} });
    await bed.advance(MINUTE);
    for (const run of await api.runsOf(parentId as string)) expect(await api.run(run.run_id)).toMatchObject({ status: "Completed", output: { doubled: 42 } });
    const doomed = await api.runsOf(doomedId as string);
    expect(doomed.map((r) => r.status).sort()).toEqual(["Failed", "Failed"]);
    for (const app of Object.values(apps)) expect(app.observations.filter((o) => o.name === "on-failure").map((o) => o.data)).toEqual(["cannot be done"]);
  });

  it("flow control holds under a burst: debounced per user, and the last event of each user is the one sent", async () => {
    const users = Array.from({ length: 10 }, (_, i) => ({ userId: `u${i}`, accountId: `acct${i % 2}` }));
    const burst = Array.from({ length: 100 }, (_, i) => ({ name: "user/action", data: { ...(users[i % 10] as object), seq: Math.floor(i / 10) } }));
    await api.send(burst);
    // A minute, not just the 5 s period: the bed's clock runs on in real time while the runner
    // routes the burst, and on a loaded machine that takes seconds (each user's window closes 5 s
    // after its last event is routed). Rate limits (10 a minute per user) admit the whole burst.
    await bed.advance(MINUTE);
    const sent = apps.ours.observations.filter((o) => o.name === "sent").map((o) => o.data as { userId: string; seq: number });
    expect(sent.map((s) => s.userId).sort()).toEqual(users.map((u) => u.userId).sort());
    expect(sent.every((s) => s.seq === 9)).toBe(true);
  });

  it("duplicate SQS deliveries, a second firing of a schedule and a second EventBridge delivery change nothing", async () => {
    bed.deliverTwice(true);
    try {
      const [napId] = await api.send({ name: "test/nap", data: {} });
      const [videoId] = await api.send({ name: "video/uploaded", data: { id: "v2", url: "s3://in/v2.mov" } });
      const before = { woke: apps.ours.count("woke"), transcode: apps.ours.count("transcode"), analyze: apps.ours.count("analyze") };
      await bed.advance(3 * DAY + 2 * MINUTE);
      expect((await api.runsOf(napId as string)).map((r) => r.status)).toEqual(["Completed"]);
      expect((await api.runsOf(videoId as string)).map((r) => r.status)).toEqual(["Completed", "Completed"]);
      expect(apps.ours.count("woke") - before.woke).toBe(1);
      expect(apps.ours.count("transcode") - before.transcode).toBe(1);
      expect(apps.ours.count("analyze") - before.analyze).toBe(1);
    } finally {
      bed.deliverTwice(false);
    }
  });

  it("an executor killed mid-batch loses nothing: the batch comes back after the visibility timeout", async () => {
    bed.faults.crashNext = "Executor";
    const coldStarts = bed.functions.Executor.coldStarts;
    const [eventId] = await api.send({ name: "test/parallel", data: {} });
    await bed.advance(40 * MINUTE);
    const [run] = await api.runsOf(eventId as string);
    expect(await api.run(run?.run_id as string)).toMatchObject({ status: "Completed", output: "ABC" });
    expect(apps.official.observations.filter((o) => o.name === "together").map((o) => o.data)).toEqual(["ABC"]);
    expect(bed.functions.Executor.coldStarts).toBe(coldStarts + 1);
  });

  it("an event of the account that an extra rule sends to the route queue triggers a function, once", async () => {
    const routeQueue = Object.entries(bed.queueUrls).find(([id]) => id.includes("RouteQueue") && !id.includes("DeadLetter"))?.[1] as string;
    const upload = { version: "0", id: "eb-upload-1", "detail-type": "Object Created", source: "aws.s3", account: "123456789012", time: new Date(bed.clock.now()).toISOString(), region: "us-east-1", resources: [], detail: { bucket: { name: "in" }, object: { key: "v.mov" } } };
    // What EventBridge's SQS target writes, twice: it delivers at least once.
    for (let i = 0; i < 2; i++) await bed.sqs.client.send(new SendMessageCommand({ QueueUrl: routeQueue, MessageBody: JSON.stringify(upload) }));
    await bed.advance(0);
    expect(apps.ours.observations.filter((o) => o.name === "uploaded").map((o) => o.data)).toEqual([{ bucket: { name: "in" }, object: { key: "v.mov" } }]);
  });

  it("ferry dashboard shows the deployment: its API calls reach the api Lambda with the signing key, on DynamoDB", async () => {
    const dashboard = await startDashboardProxy({ api: bed.apiUrl, signingKey: bed.signingKey, port: 0, host: "127.0.0.1" });
    try {
      const get = async <T>(path: string): Promise<T> => {
        const response = await fetch(`${dashboard.url}${path}`);
        expect([path, response.status]).toEqual([path, 200]);
        return ((await response.json()) as { data: T }).data;
      };
      expect(await (await fetch(`${dashboard.url}/`)).text()).toContain("/dashboard.js");
      const sent = await fetch(`${dashboard.url}/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "test/nap", data: {} }) });
      const { ids } = ((await sent.json()) as { data: { ids: string[] } }).data;
      await bed.advance(0);
      const [napper] = await get<{ run_id: string; phase: string }[]>(`/v1/events/${ids[0]}/runs`);
      expect(napper?.phase).toBe("sleeping");
      expect(await get(`/v1/lookup/${napper?.run_id}`)).toEqual({ run: true, event: false });
      expect((await get<{ run_id: string }[]>("/v1/runs?phase=sleeping&limit=100")).map((run) => run.run_id)).toContain(napper?.run_id);
      expect((await get<{ phase: string }[]>("/v1/runs?phase=completed&limit=5")).every((run) => run.phase === "completed")).toBe(true);
      const detail = await get<{ pending: { kind: string }[] }>(`/v1/runs/${napper?.run_id}`);
      expect(detail.pending).toEqual([expect.objectContaining({ kind: "sleep" })]);
      const { token } = await get<{ token: string }>(`/v1/live?run_id=${napper?.run_id}&timeout_ms=0`);
      expect(await get(`/v1/live?run_id=${napper?.run_id}&token=${token}&timeout_ms=0`)).toEqual({ token, changed: false });
      await bed.advance(3 * DAY + MINUTE);
      expect(await get<{ changed: boolean }>(`/v1/live?run_id=${napper?.run_id}&token=${token}&timeout_ms=0`)).toMatchObject({ changed: true });
      // The burst above left a rate-limit window per user on DynamoDB, listed through the index.
      const flow = await get<{ items: { kind: string; key: string }[] }>("/v1/functions/bed-ours-send-notification/flow");
      const users = flow.items.filter((item) => item.kind === "rate_limit").map((item) => item.key);
      expect(users.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `u${i}`));
    } finally {
      await dashboard.close();
    }
  });

  /** Runs the 10-step workload through `event` and counts every AWS request it made. */
  async function measureTenSteps(event: string, functionId: string) {
    const runs = 5;
    const before = bed.counter.snapshot();
    const busyBefore = new Map(Object.values(bed.functions).map((f) => [f, f.busyMs]));
    const firingsBefore = bed.scheduler.deliveries.length;
    // One event per run, each sent on its own, as an app sends them.
    const ids: string[] = [];
    for (let i = 0; i < runs; i++) ids.push(...(await api.send({ name: event, data: { i } })));
    await bed.advance(0);
    const counts: RequestCounts = { ...bed.counter.since(before), ...(bed.scheduler.deliveries.length > firingsBefore ? { "Scheduler.Invocation": bed.scheduler.deliveries.length - firingsBefore } : {}) };
    const gbSeconds = Object.values(bed.functions).reduce((sum, f) => sum + ((f.busyMs - (busyBefore.get(f) ?? 0)) / 1000) * (f.options.memoryMb / 1024), 0);
    for (const id of ids) expect((await api.runsOf(id)).map((r) => [r.function_id, r.status, r.output])).toEqual([[functionId, "Completed", 45]]);
    const steps = runs * 10;
    const per = (n: number) => Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, Math.round((value / n) * 100) / 100]));
    const report = {
      runs,
      steps,
      total: counts,
      perRun: per(runs),
      perStep: per(steps),
      lambdaGbSecondsPerStep: Math.round((gbSeconds / steps) * 1e6) / 1e6,
      usdPerMillionSteps: costPerMillionSteps(counts, steps, gbSeconds),
    };
    return { runs, counts, report };
  }

  it("counts the AWS requests of the 10-step sequential workload, with and without checkpoints, and prices them (bench/results/aws-requests.json)", async () => {
    const checkpointed = await measureTenSteps("bench/ten-steps", "bed-ours-ten-steps");
    const buffered = await measureTenSteps("bench/ten-buffered", "bed-ours-ten-buffered");
    const perCall = await measureTenSteps("bench/ten-calls", "bed-ours-ten-calls");
    mkdirSync(join(__dirname, "../../bench/results"), { recursive: true });
    const report = {
      note: "AWS requests of Ferry's production path, counted by the offline bed (test/prod-path/production-path.test.ts); prices: us-east-1 list, see docs/operations.md",
      workload: "10 sequential step.run per run, our SDK on a Lambda function URL, one event per run",
      checkpointing: checkpointed.report,
      checkpointingBufferedTenSteps: buffered.report,
      oneStepPerCall: perCall.report,
    };
    writeFileSync(join(__dirname, "../../bench/results/aws-requests.json"), `${JSON.stringify(report, null, 2)}\n`);
    // One event in and one publish per run. With checkpoints each step is one request to the api
    // Lambda's function URL (no API Gateway request) and the run one executor call; without, one
    // executor call per step and the run's end. Dollars are a benchmark figure
    // (docs/operations.md), not asserted.
    const { runs } = checkpointed;
    expect(checkpointed.counts).toMatchObject({ "ApiGateway.Request": runs, "EventBridge.PutEvents": runs });
    expect(perCall.counts).toMatchObject({ "ApiGateway.Request": runs, "EventBridge.PutEvents": runs });
    expect(perCall.counts["Lambda.Invoke"]).toBeLessThanOrEqual(runs * 13);
    // Each event is sent to the route queue (by EventBridge) and its run's call to the run queue.
    expect(checkpointed.counts["SQS.SendMessage"]).toBeGreaterThanOrEqual(2 * runs);
    // The SQS messages and executor calls per step are what checkpoints save.
    expect(checkpointed.counts["SQS.SendMessage"] ?? 0).toBeLessThan((perCall.counts["SQS.SendMessage"] ?? 0) / 3);
    // A run of 10 checkpointed steps writes 19 items: 10 memos, the run 4 times (created,
    // started, the call's first report, ended: the ending records the later reports) and 5 event
    // items. Later reports write no run (docs/operations.md); one spare write per run for a lost race.
    expect(checkpointed.counts["DynamoDB.WriteUnits"]).toBeGreaterThanOrEqual(runs * 19);
    expect(checkpointed.counts["DynamoDB.WriteUnits"]).toBeLessThanOrEqual(runs * 20);
    // bufferedSteps: 10 over ten steps makes no report: the steps ride in the call's answer and
    // the ending records them. So no api Lambda invocation (only the ingest, runner and executor
    // ones, at most) and 18 writes: the default's less the first report's run write.
    expect(buffered.counts["Lambda.Invoke"]).toBeLessThanOrEqual(3 * runs);
    expect(buffered.counts["DynamoDB.WriteUnits"]).toBeGreaterThanOrEqual(runs * 18);
    expect(buffered.counts["DynamoDB.WriteUnits"]).toBeLessThanOrEqual(runs * 19);
  });

  it("every log line of a run carries its run, function and event ids, and nothing reached a dead-letter queue", async () => {
    const runLines = bed.functions.Executor.logLines.filter((line) => line.startsWith("{") && line.includes('"message":"run '));
    expect(runLines.length).toBeGreaterThan(0);
    for (const line of runLines) expect(JSON.parse(line)).toMatchObject({ runId: expect.any(String), functionId: expect.any(String), eventId: expect.any(String), stage: "bed", service: "ferry" });
    expect(Object.values(await bed.deadLetters())).toEqual([0, 0, 0]);
    // The timer Lambda reports how late firings arrive (the dashboard's timer lateness).
    expect(bed.functions.Timer.logLines.some((line) => line.startsWith("{") && "TimerLateness" in (JSON.parse(line) as object))).toBe(true);
  });
});
