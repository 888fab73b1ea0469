import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ferry } from "@ferry/sdk";
import { serve as serveFerry } from "@ferry/sdk/node";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { hashSigningKey } from "../../adapters/http/signing";
import { startDashboardProxy } from "../../dev/dashboard-proxy/dashboard-proxy";
import { startAppServer, type AppServer } from "../support/app-server";
import { FerryApi, type RunView } from "../support/ferry-api";
import { freePort } from "../support/free-port";
import { provideAsyncContext } from "../support/official-sdk-ferry";
import { startAwsLocalProcess, type AwsLocalProcess } from "./aws-local-process";

jest.setTimeout(180_000);

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** The run's phase as the REST API reports it (sleeping, waiting, completed, ...). */
async function phaseOf(api: FerryApi, runId: string): Promise<string> {
  return (await api.request<{ data: { phase: string } }>("GET", `/v1/runs/${runId}`)).body.data.phase;
}

/** The dashboard URL a `ferry aws-local` printed. */
function dashboardOf(local: AwsLocalProcess): string {
  const match = /dashboard\s+(http:\/\/[\d.]+:\d+)\//.exec(local.output());
  if (!match) throw new Error(`no dashboard URL in:\n${local.output()}`);
  return match[1] as string;
}

async function onlyRunOf(api: FerryApi, eventId: string): Promise<RunView> {
  return api.until(`a run of ${eventId}`, async () => (await api.runsOf(eventId))[0]);
}

/**
 * `ferry aws-local` as a user runs it: the real command (cdk synth, the bundles, the offline
 * servers and emulators on the wall clock), an app on loopback pointed at it as at a deployment.
 */
describe("ferry aws-local", () => {
  const apps: AppServer[] = [];
  const processes: AwsLocalProcess[] = [];
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ferry-aws-local-"));
  });
  /** The assembly the first start synthesized into its data directory: later starts run it as `--assembly`. */
  const synthesized = () => join(dir, "cdk.out");
  afterAll(async () => {
    for (const each of processes) await each.stop("SIGKILL");
    for (const app of apps) await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("in dev mode runs an official-SDK app; a Ctrl-C mid-sleep and a kill -9 mid-sleep and mid-wait lose nothing (--dir)", async () => {
    const first = await startAwsLocalProcess(["--dir", dir, "--quiet", "--dashboard-port", "0"]);
    processes.push(first);
    provideAsyncContext();
    const inngest = new Inngest({ id: "local-app", isDev: true, baseUrl: first.url, logger: quiet });
    const sleeper = inngest.createFunction({ id: "sleeper", triggers: [{ event: "local/sleep" }] }, async ({ event, step }) => {
      const before = await step.run("before", () => String(event.data.tag));
      await step.sleep("nap", "4s");
      return `${before}-${await step.run("after", () => "b")}`;
    });
    const waiter = inngest.createFunction({ id: "waiter", triggers: [{ event: "local/order" }] }, async ({ step }) => {
      const approval = await step.waitForEvent("approval", { event: "local/approve", timeout: "1h", if: "async.data.order == event.data.order" });
      return approval ? `approved ${String(approval.data.order)} by ${String(approval.data.by)}` : "timed out";
    });
    const app = await startAppServer(serve({ client: inngest, functions: [sleeper, waiter] }));
    apps.push(app);

    // Dev mode: no signing key anywhere, any event key, as with ferry dev.
    const api = new FerryApi(first.url);
    expect((await api.request("POST", "/v1/apps/sync", { url: app.serveUrl })).status).toBe(200);
    const asleep = async (eventId: string) => {
      const run = await onlyRunOf(api, eventId);
      await api.until(`${run.run_id} asleep`, async () => ((await phaseOf(api, run.run_id)) === "sleeping" ? true : undefined), 30_000);
    };

    // Ctrl-C right after the sleep's timer went on the delay queue: saved on the way out.
    const [stoppedId] = await api.send({ name: "local/sleep", data: { tag: "stopped" } });
    await asleep(stoppedId as string);
    expect(await first.stop("SIGINT")).toBe(0);
    const second = await first.restart(["--assembly", synthesized()]);
    processes.push(second);
    expect(second.output()).toMatch(/\(([1-9]\d*) queued messages restored\)/);

    // kill -9 mid-sleep and mid-wait (its one-hour timeout a Scheduler schedule), once the
    // periodic snapshots (every 200 ms) have run.
    const [killedId, orderId] = await api.send([
      { name: "local/sleep", data: { tag: "killed" } },
      { name: "local/order", data: { order: 7 } },
    ]);
    await asleep(killedId as string);
    const waiting = await onlyRunOf(api, orderId as string);
    await api.until("the waiter waiting", async () => ((await phaseOf(api, waiting.run_id)) === "waiting" ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await second.stop("SIGKILL");
    const third = await first.restart(["--assembly", synthesized()]);
    processes.push(third);
    expect(third.output()).toMatch(/\(([1-9]\d*) queued messages restored\)/);

    expect(await api.finishedRunOf(stoppedId as string, undefined, 60_000)).toMatchObject({ status: "Completed", output: "stopped-b" });
    expect(await api.finishedRunOf(killedId as string, undefined, 60_000)).toMatchObject({ status: "Completed", output: "killed-b" });
    expect(await phaseOf(api, waiting.run_id)).toBe("waiting");
    await api.send({ name: "local/approve", data: { order: 7, by: "ada" } });
    expect(await api.finishedRunOf(orderId as string, undefined, 30_000)).toMatchObject({ status: "Completed", output: "approved 7 by ada" });

    // `ferry dashboard --api <url>` reads it as it reads a deployment, with no key in dev mode.
    const dashboard = await startDashboardProxy({ api: third.url, port: 0, host: "127.0.0.1" });
    try {
      const runs = await fetch(`${dashboard.url}/v1/runs?limit=10`);
      expect(runs.status).toBe(200);
      expect(((await runs.json()) as { data: unknown[] }).data).toHaveLength(3);
    } finally {
      await dashboard.close();
    }
    // And it serves that dashboard itself.
    const own = dashboardOf(third);
    expect((await fetch(`${own}/`)).headers.get("content-type")).toMatch(/text\/html/);
    expect(((await (await fetch(`${own}/v1/runs?limit=10`)).json()) as { data: unknown[] }).data).toHaveLength(3);
    await third.stop("SIGTERM");
  });

  it("with --signing-key and --event-key refuses what lacks them, and runs signed apps: ours, and the example app of --example", async () => {
    const signingKey = `signkey-prod-${"5a".repeat(32)}`;
    const examplePort = await freePort();
    const local = await startAwsLocalProcess(["--in-memory", "--quiet", "--signing-key", signingKey, "--event-key", "k1", "--example", "--assembly", synthesized(), "--dashboard-port", "0"], 0, {
      FERRY_EXAMPLE_PORT: String(examplePort),
      VIDEO_PROCESSING_WAIT: "1s",
    });
    processes.push(local);
    const bearer = { authorization: `Bearer ${hashSigningKey(signingKey)}`, "content-type": "application/json" };

    expect((await fetch(`${local.url}/v1/runs`)).status).toBe(401);
    expect((await fetch(`${local.url}/e/other-key`, { method: "POST", body: JSON.stringify({ name: "signed/hello", data: {} }) })).status).toBe(401);
    const crossSite = await fetch(`${local.url}/v1/runs`, { headers: { ...bearer, origin: "http://evil.example" } });
    expect(crossSite.status).toBe(403);

    const ferry = new Ferry({ id: "signed", isDev: false, baseUrl: local.url, signingKey, eventKey: "k1", env: {} });
    const greet = ferry.createFunction({ id: "greet" }, { event: "signed/hello" }, async ({ event, step }) => step.run("greet", () => `hello ${String(event.data.name)}`));
    const app = await startAppServer(serveFerry({ client: ferry, functions: [greet] }));
    apps.push(app);
    const sync = await fetch(`${local.url}/v1/apps/sync`, { method: "POST", headers: bearer, body: JSON.stringify({ url: app.serveUrl }) });
    expect(sync.status).toBe(200);
    const { ids } = await ferry.send({ name: "signed/hello", data: { name: "ada" } });
    const runs = async () => (await (await fetch(`${local.url}/v1/events/${ids[0]}/runs`, { headers: bearer })).json()) as { data: RunView[] };
    const api = new FerryApi(local.url);
    const done = await api.until("the signed run to finish", async () => (await runs()).data.find((run) => run.status !== "Running"), 30_000);
    expect(done).toMatchObject({ status: "Completed", output: "hello ada" });

    // The example app holds the keys it was given, registers, and verifies every signed call.
    await api.until("the example app synced", async () => (local.output().includes(`synced http://127.0.0.1:${examplePort}/api/inngest`) ? true : undefined), 30_000);
    const sent = (await (await fetch(`${local.url}/e/k1`, { method: "POST", body: JSON.stringify({ name: "video/uploaded", data: { id: "v1", url: "s3://bucket/v1.mov" } }) })).json()) as { ids: string[] };
    const videoRuns = async () => (await (await fetch(`${local.url}/v1/events/${sent.ids[0]}/runs`, { headers: bearer })).json()) as { data: RunView[] };
    const video = await api.until("process-video-upload to finish", async () => (await videoRuns()).data.find((run) => run.status !== "Running"), 60_000);
    expect(video).toMatchObject({ status: "Completed", output: { transcoded: "s3://bucket/v1.h264.mp4" } });
    // Its dashboard holds the signing key: the page needs none, and the key never reaches it.
    const page = await fetch(`${dashboardOf(local)}/v1/runs?limit=10`);
    expect(page.status).toBe(200);
    expect(JSON.stringify(await page.json())).not.toContain(signingKey);
    await local.stop("SIGTERM");
  });

  it("says so when its port is taken, exits 1, and leaves nothing in the temp directory", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    // Without --dir or --assembly it synthesizes into a temporary directory of its own.
    const temp = mkdtempSync(join(tmpdir(), "ferry-aws-local-tmp-"));
    try {
      const args = [join(__dirname, "../../dev/cli/ferry.cjs"), "aws-local", "--in-memory", "--port", String(port), "--no-dashboard"];
      const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 120_000, env: { ...process.env, TMPDIR: temp } });
      expect(run.stderr).toContain(`127.0.0.1:${port} is taken`);
      expect(run.status).toBe(1);
      // Nothing of Ferry's (its assembly, the bed's S3 directory, the Lambda runtime's modules);
      // tsx, which runs the CLI from source, keeps its compile cache there on purpose.
      expect(readdirSync(temp).filter((name) => !name.startsWith("tsx-"))).toEqual([]);
    } finally {
      taken.close();
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
