import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { syncApp, type SyncResult } from "../adapters/http/app-sync";
import { handler, makeAppSyncHandler, type AppSyncDeps } from "./app-sync";

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real server on a loopback port that records each request and answers from `answer`. */
async function loopback(answer: (request: Received) => { status: number; body?: string }) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(request);
      const { status, body } = answer(request);
      res.writeHead(status, { "content-type": "application/json" }).end(body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

type Loopback = Awaited<ReturnType<typeof loopback>>;

const signingKey = `signkey-prod-${"ab".repeat(32)}`;
const context = { logStreamName: "2026/01/01/[$LATEST]abc" };
const quiet = () => undefined;

let cloudFormation: Loopback;
let app: Loopback;
let appAnswer: { status: number; body?: string };

beforeEach(async () => {
  appAnswer = { status: 200, body: JSON.stringify({ modified: true }) };
  cloudFormation = await loopback(() => ({ status: 200 }));
  app = await loopback(() => appAnswer);
});
afterEach(async () => {
  await cloudFormation.close();
  await app.close();
});

function event(requestType: "Create" | "Update" | "Delete", properties: Record<string, unknown>, physicalResourceId = "ferry-app-sync:old"): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: "arn:aws:lambda:eu-west-1:123456789012:function:ferry-app-sync",
    ResponseURL: `${cloudFormation.url}/cloudformation-response?X-Amz-Signature=abc`,
    StackId: "arn:aws:cloudformation:eu-west-1:123456789012:stack/my-app/1",
    RequestId: "request-1",
    LogicalResourceId: "AppSync",
    ResourceType: "Custom::FerryAppSync",
    ResourceProperties: { ServiceToken: "arn:aws:lambda:eu-west-1:123456789012:function:ferry-app-sync", ...properties },
  };
  if (requestType === "Create") return { ...common, RequestType: "Create" };
  if (requestType === "Update") return { ...common, RequestType: "Update", PhysicalResourceId: physicalResourceId, OldResourceProperties: common.ResourceProperties };
  return { ...common, RequestType: "Delete", PhysicalResourceId: physicalResourceId };
}

/** The real sync path: HTTP PUT to the app, signed like a deployment. */
const realSync: AppSyncDeps["syncApp"] = (url) => syncApp(url, { serverKind: "cloud", signingKey, attempts: 1 });

function answered(): Record<string, unknown> {
  expect(cloudFormation.received).toHaveLength(1);
  return JSON.parse(cloudFormation.received[0]?.body ?? "") as Record<string, unknown>;
}

describe("Custom::FerryAppSync handler", () => {
  it("create: syncs the app for real and answers SUCCESS with Modified and a URL-derived id", async () => {
    const url = `${app.url}/api/inngest`;
    await makeAppSyncHandler({ syncApp: realSync, log: quiet })(event("Create", { Url: url, IamAuth: "false", SyncToken: "42" }), context);

    expect(app.received).toHaveLength(1);
    expect(app.received[0]).toMatchObject({ method: "PUT", path: "/api/inngest", body: JSON.stringify({ url }) });
    expect(app.received[0]?.headers["x-inngest-server-kind"]).toBe("cloud");
    expect(app.received[0]?.headers["x-inngest-signature"]).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);

    const put = cloudFormation.received[0];
    expect(put).toMatchObject({ method: "PUT", path: "/cloudformation-response?X-Amz-Signature=abc" });
    expect(put?.headers["content-type"]).toBe("");
    expect(put?.headers["content-length"]).toBe(String(Buffer.byteLength(put?.body ?? "")));
    expect(answered()).toEqual({
      Status: "SUCCESS",
      Reason: expect.stringContaining(context.logStreamName) as unknown,
      PhysicalResourceId: `ferry-app-sync:${url}`,
      StackId: "arn:aws:cloudformation:eu-west-1:123456789012:stack/my-app/1",
      RequestId: "request-1",
      LogicalResourceId: "AppSync",
      NoEcho: false,
      Data: { Modified: "true" },
    });
  });

  it("passes IamAuth through and reports an unmodified app", async () => {
    const calls: [string, boolean][] = [];
    const sync = async (url: string, iamAuth: boolean): Promise<SyncResult> => (calls.push([url, iamAuth]), { ok: true, url, modified: false });
    await makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Update", { Url: "https://abc.lambda-url.eu-west-1.on.aws/", IamAuth: "true" }), context);
    expect(calls).toEqual([["https://abc.lambda-url.eu-west-1.on.aws/", true]]);
    expect(answered()).toMatchObject({ Status: "SUCCESS", PhysicalResourceId: "ferry-app-sync:https://abc.lambda-url.eu-west-1.on.aws/", Data: { Modified: "false" } });
  });

  it("app answers 500: FAILED with the app's answer as the reason", async () => {
    appAnswer = { status: 500, body: "boom in the app" };
    await makeAppSyncHandler({ syncApp: realSync, log: quiet })(event("Create", { Url: `${app.url}/api/inngest`, IamAuth: "false" }), context);
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: "app answered 500: boom in the app", PhysicalResourceId: `ferry-app-sync:${app.url}/api/inngest` });
  });

  it("unreachable app: FAILED, and a failed Update keeps the current id", async () => {
    const closed = await loopback(() => ({ status: 200 }));
    await closed.close();
    await makeAppSyncHandler({ syncApp: realSync, log: quiet })(event("Update", { Url: `${closed.url}/api/inngest`, IamAuth: "false" }, "ferry-app-sync:current"), context);
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: expect.stringContaining(`could not reach ${closed.url}/api/inngest`) as unknown, PhysicalResourceId: "ferry-app-sync:current" });
  });

  it.each([["not a url"], ["ftp://example.com/api"], [undefined], [42]])("bad Url %p: FAILED without syncing", async (url) => {
    const sync = jest.fn<Promise<SyncResult>, [string, boolean]>();
    await makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Create", { Url: url, IamAuth: "false" }), context);
    expect(sync).not.toHaveBeenCalled();
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: expect.stringContaining("Url must be an http(s) URL") as unknown, PhysicalResourceId: "ferry-app-sync:invalid:AppSync" });
  });

  it("bad IamAuth: FAILED without syncing", async () => {
    const sync = jest.fn<Promise<SyncResult>, [string, boolean]>();
    await makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Create", { Url: "https://app.example.com/api", IamAuth: "yes" }), context);
    expect(sync).not.toHaveBeenCalled();
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: expect.stringContaining("IamAuth") as unknown });
  });

  it("delete: SUCCESS with the event's id, without syncing", async () => {
    const sync = jest.fn<Promise<SyncResult>, [string, boolean]>();
    await makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Delete", { Url: "https://app.example.com/api", IamAuth: "false" }, "ferry-app-sync:https://app.example.com/api"), context);
    expect(sync).not.toHaveBeenCalled();
    expect(answered()).toMatchObject({ Status: "SUCCESS", PhysicalResourceId: "ferry-app-sync:https://app.example.com/api" });
  });

  it("ResponseURL answering 503 twice then 200: the answer is delivered", async () => {
    await cloudFormation.close();
    let calls = 0;
    cloudFormation = await loopback(() => ({ status: ++calls <= 2 ? 503 : 200 }));
    await makeAppSyncHandler({ syncApp: realSync, log: quiet })(event("Create", { Url: `${app.url}/api/inngest`, IamAuth: "false" }), context);
    expect(cloudFormation.received).toHaveLength(3);
    expect(new Set(cloudFormation.received.map((put) => put.body)).size).toBe(1);
    expect(JSON.parse(cloudFormation.received[2]?.body ?? "")).toMatchObject({ Status: "SUCCESS" });
  });

  it("ResponseURL refusing with 403: rejects at once, so Lambda's retry can try again", async () => {
    await cloudFormation.close();
    cloudFormation = await loopback(() => ({ status: 403, body: "SignatureDoesNotMatch" }));
    await expect(makeAppSyncHandler({ syncApp: realSync, log: quiet })(event("Create", { Url: `${app.url}/api/inngest`, IamAuth: "false" }), context)).rejects.toThrow("ResponseURL answered 403");
    expect(cloudFormation.received).toHaveLength(1);
  });

  it("syncApp throwing: FAILED, and the handler resolves", async () => {
    const sync = () => Promise.reject(new Error("secret arn:aws:secretsmanager:x is malformed"));
    await expect(makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Create", { Url: "https://app.example.com/api", IamAuth: "false" }), context)).resolves.toBeUndefined();
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: "app sync failed: secret arn:aws:secretsmanager:x is malformed", PhysicalResourceId: "ferry-app-sync:https://app.example.com/api" });
  });

  it("a huge error is cut so the whole answer stays within CloudFormation's 4 KB", async () => {
    const sync = async (url: string): Promise<SyncResult> => ({ ok: false, url, error: `app answered 502: ${"é\"\n".repeat(5000)}` });
    await makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Create", { Url: "https://app.example.com/api", IamAuth: "false" }), context);
    expect(Buffer.byteLength(cloudFormation.received[0]?.body ?? "")).toBeLessThanOrEqual(4096);
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: expect.stringMatching(/^app answered 502: .*\[truncated\]$/s) as unknown });
  });

  it("a very long URL gets a hashed id within CloudFormation's 1 KB", async () => {
    const url = `https://app.example.com/api?pad=${"x".repeat(2000)}`;
    const sync = async (u: string): Promise<SyncResult> => ({ ok: true, url: u, modified: true });
    await makeAppSyncHandler({ syncApp: sync, log: quiet })(event("Create", { Url: url, IamAuth: "false" }), context);
    expect(answered().PhysicalResourceId).toMatch(/^ferry-app-sync:sha256:[0-9a-f]{64}$/);
  });

  it("the Lambda entry answers FAILED, naming the variable, when the signing key secret is not configured", async () => {
    const saved = process.env.FERRY_SIGNING_KEY_SECRET_ARN;
    delete process.env.FERRY_SIGNING_KEY_SECRET_ARN;
    process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
    try {
      await handler(event("Create", { Url: `${app.url}/api/inngest`, IamAuth: "false" }), context);
    } finally {
      if (saved !== undefined) process.env.FERRY_SIGNING_KEY_SECRET_ARN = saved;
      delete process.env.POWERTOOLS_LOG_LEVEL;
    }
    expect(app.received).toHaveLength(0);
    expect(answered()).toMatchObject({ Status: "FAILED", Reason: "app sync failed: FERRY_SIGNING_KEY_SECRET_ARN is not set" });
  });
});
