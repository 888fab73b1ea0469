import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hashSigningKey } from "../../adapters/http/signing";
import type { ProdBed } from "../../aws-local/prod-bed/prod-bed";

/** The REST API of the bed's deployment, with the signing key's bearer, as an operator's script calls it. */
export class DeploymentApi {
  constructor(private readonly bed: ProdBed) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.bed.apiUrl}${path.replace(/^\//, "")}`, {
      method,
      headers: { authorization: `Bearer ${hashSigningKey(this.bed.signingKey)}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Sends events through the event API with the deployment's event key; returns their ids. */
  async send(events: unknown): Promise<string[]> {
    const response = await fetch(`${this.bed.apiUrl}e/${this.bed.eventKey}`, { method: "POST", body: JSON.stringify(events) });
    const body = (await response.json()) as { ids?: string[] };
    if (response.status !== 200) throw new Error(`event API answered ${response.status}: ${JSON.stringify(body)}`);
    return body.ids ?? [];
  }

  /** The runs an event started. */
  async runsOf(eventId: string): Promise<RunSummary[]> {
    const { body } = await this.request<{ data: RunSummary[] }>("GET", `/v1/events/${eventId}/runs`);
    return body.data;
  }

  async run(runId: string): Promise<RunSummary> {
    return (await this.request<{ data: RunSummary }>("GET", `/v1/runs/${runId}`)).body.data;
  }

  async runs(limit = 1000): Promise<RunSummary[]> {
    return (await this.request<{ data: RunSummary[] }>("GET", `/v1/runs?limit=${limit}`)).body.data;
  }
}

/** The fields of the REST API's run view the suite reads. */
export interface RunSummary {
  run_id: string;
  function_id: string;
  status: string;
  output?: unknown;
  steps?: { name: string; status: string; attempts: number }[];
}

/**
 * Registers an app the way a `FerryApp` construct does on every deploy: CloudFormation invokes
 * the app-sync function with a custom-resource event and waits for its answer on a presigned
 * URL (here a loopback server). Resolves with the answer CloudFormation would read.
 */
export async function syncThroughCustomResource(bed: ProdBed, url: string): Promise<{ Status: string; Reason?: string; Data?: Record<string, string> }> {
  let answer: string | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      answer = Buffer.concat(chunks).toString("utf8");
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=bed`;
    await bed.functions.AppSync.invoke({
      RequestType: "Create",
      ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:AppSync",
      ResponseURL: responseUrl,
      StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/Ferry-bed/1",
      RequestId: `sync-${Date.now()}`,
      LogicalResourceId: "App",
      ResourceType: "Custom::FerryAppSync",
      ResourceProperties: { ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:AppSync", Url: url, IamAuth: "false", SyncToken: String(Date.now()) },
    });
    if (answer === undefined) throw new Error("the app-sync function did not answer CloudFormation");
    return JSON.parse(answer) as { Status: string; Reason?: string; Data?: Record<string, string> };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
