import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Ferry } from "../client";
import { NonRetriableError } from "../errors";
import type { ServeOptions } from "./serve-types";

/** The signing keys the conformance suite uses. */
export const conformanceKeys = {
  signingKey: "signkey-test-8ee2262a15e8d3c42d6a840db7af3de2aab08ef632b32a37a687f24b34dba3ff",
  fallback: "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
};

/** A fake engine: a real HTTP server on 127.0.0.1 recording every request (registrations, checkpoints). */
export interface FakeEngine {
  url: string;
  requests: { headers: Record<string, string | string[] | undefined>; url: string; body: unknown }[];
  close(): Promise<void>;
}

/** Starts a fake engine on 127.0.0.1:0 that answers every request 200 `{ok: true, modified: true}`. */
export async function startFakeEngine(): Promise<FakeEngine> {
  const requests: FakeEngine["requests"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ headers: req.headers, url: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, modified: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The app the conformance suite serves: cloud mode (signatures on), engine at `engineUrl`. */
export function conformanceApp(engineUrl: string): ServeOptions {
  const client = new Ferry({ id: "conf", isDev: false, baseUrl: engineUrl, eventKey: "k", signingKey: conformanceKeys.signingKey, signingKeyFallback: conformanceKeys.fallback, env: {}, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const steps = client.createFunction({ id: "steps", triggers: [{ event: "conf/steps" }] }, async ({ step, event }) => {
    const a = await step.run("a", () => `a:${String(event.data.n)}`);
    const b = await step.run("b", () => "b");
    return { a, b };
  });
  const parallel = client.createFunction({ id: "parallel", triggers: [{ event: "conf/parallel" }] }, async ({ step }) => Promise.all([step.run("x", () => 1), step.run("y", () => 2)]));
  const fails = client.createFunction({ id: "fails", retries: 2, triggers: [{ event: "conf/fails" }] }, async ({ step }) => step.run("boom", () => { throw new TypeError("kaboom"); }));
  const fatal = client.createFunction({ id: "fatal", triggers: [{ event: "conf/fatal" }] }, async () => { throw new NonRetriableError("give up"); });
  return { client, functions: [steps, parallel, fails, fatal] };
}
