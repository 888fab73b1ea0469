import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { keepAliveFetch } from "./keep-alive-fetch";

describe("keepAliveFetch", () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; headers: Record<string, unknown>; body: string; socket: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), socket: req.socket });
        res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify({ echo: Buffer.concat(chunks).toString("utf8") }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends the method, headers and UTF-8 body, and reads the status and body back", async () => {
    const fetch = keepAliveFetch();
    const response = await fetch(`${url}/v1/checkpoint/r/async`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer k" }, body: '{"ü":1}' });
    expect(response).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(await response.text())).toEqual({ echo: '{"ü":1}' });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ method: "POST", body: '{"ü":1}', headers: expect.objectContaining({ authorization: "Bearer k", "content-length": String(Buffer.byteLength('{"ü":1}')) }) });
  });

  it("reports a non-2xx status as not ok", async () => {
    const response = await keepAliveFetch()(`${url}/missing`);
    expect(response).toMatchObject({ ok: false, status: 404 });
  });

  it("keeps the connection for the next request (one socket for many)", async () => {
    const fetch = keepAliveFetch();
    const from = seen.length;
    for (let i = 0; i < 5; i++) await (await fetch(`${url}/x`, { method: "POST", body: String(i) })).text();
    expect(new Set(seen.slice(from).map((request) => request.socket)).size).toBe(1);
  });

  it("gives up on an engine that does not answer", async () => {
    const silent = createServer(() => undefined); // takes the request and never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await expect(keepAliveFetch({ timeoutMs: 50 })(`http://127.0.0.1:${port}/v1/checkpoint/r/async`, { method: "POST", body: "{}" })).rejects.toThrow(/no answer .* within 50 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("rejects an unreachable engine and a protocol it cannot speak", async () => {
    await expect(keepAliveFetch()("http://127.0.0.1:1/")).rejects.toThrow();
    await expect(keepAliveFetch()("ftp://127.0.0.1/")).rejects.toThrow(/unsupported protocol/);
  });
});
