import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const READ_OPERATIONS = new Set(["GetItem", "BatchGetItem", "Query", "Scan"]);

/** AWS requests by `Service.Operation`. */
export type RequestCounts = Record<string, number>;

/**
 * Counts the AWS requests of the bed by service and operation, as the AWS bill does: a counting
 * proxy sits in front of each offline server, and every request that passes is one request AWS
 * would bill. `snapshot()` and `since()` measure one workload.
 */
export class RequestCounter {
  private readonly counts = new Map<string, number>();
  private readonly servers: Server[] = [];

  /** A proxy for `target` that counts each request under `service`; resolves with its endpoint. */
  async proxy(service: string, target: string): Promise<string> {
    const upstream = new URL(target);
    const server = createServer((req, res) => {
      const operation = operationOf(service, req);
      this.count(`${service}.${operation}`);
      if (service === "DynamoDB") {
        this.forwardMeasured(upstream, operation, req, res);
        return;
      }
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      req.pipe(forward);
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /**
   * Forwards a DynamoDB request asking for its consumed capacity (`ReturnConsumedCapacity:
   * TOTAL`, which dynalite computes from item sizes as DynamoDB does), and counts the read and
   * write units it reports under `DynamoDB.ReadUnits` / `DynamoDB.WriteUnits`: on-demand
   * DynamoDB bills units, not requests. Writes to the keys-only index are not reported by
   * dynalite and are left out.
   */
  private forwardMeasured(upstream: URL, operation: string, req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      try {
        const parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
        if (parsed.ReturnConsumedCapacity === undefined) body = Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: "TOTAL" }));
      } catch {
        // Not JSON: forwarded as it came, for the server to refuse.
      }
      const headers = { ...req.headers, "content-length": String(body.length) };
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => parts.push(chunk));
        answer.on("end", () => {
          const text = Buffer.concat(parts);
          try {
            const consumed = (JSON.parse(text.toString("utf8")) as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
            const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, each) => sum + (each.CapacityUnits ?? 0), 0);
            if (units > 0) this.count(READ_OPERATIONS.has(operation) ? "DynamoDB.ReadUnits" : "DynamoDB.WriteUnits", units);
          } catch {
            // An error answer without JSON: nothing consumed.
          }
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "content-length": String(text.length) });
          res.end(text);
        });
      });
      forward.on("error", () => res.destroy());
      forward.end(body);
    });
  }

  /** Counts a request made outside the proxies (the bed's own Lambda service: one invoke). */
  count(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  snapshot(): RequestCounts {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** What was counted since `before` (a snapshot). */
  since(before: RequestCounts): RequestCounts {
    const out: RequestCounts = {};
    for (const [key, value] of this.counts) if (value - (before[key] ?? 0) > 0) out[key] = value - (before[key] ?? 0);
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }
}

/**
 * The operation of a request: JSON protocols name it in `X-Amz-Target`; Scheduler (REST-JSON)
 * and S3 (REST-XML) by method and path.
 */
export function operationOf(service: string, req: Pick<IncomingMessage, "method" | "url" | "headers">): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
  const path = new URL(req.url ?? "/", "http://bed").pathname;
  const method = req.method ?? "GET";
  if (service === "Scheduler") {
    const kind = path.startsWith("/schedule-groups") ? "ScheduleGroup" : "Schedule";
    const plural = path.split("/").filter(Boolean).length < 2;
    return { POST: `Create${kind}`, PUT: `Update${kind}`, DELETE: `Delete${kind}`, GET: plural ? `List${kind}s` : `Get${kind}` }[method] ?? method;
  }
  if (service === "S3") {
    const objectPath = path.split("/").filter(Boolean).length > 1;
    if (!objectPath) return { GET: "ListObjects", PUT: "CreateBucket", HEAD: "HeadBucket", DELETE: "DeleteBucket" }[method] ?? method;
    return { GET: "GetObject", PUT: "PutObject", HEAD: "HeadObject", DELETE: "DeleteObject" }[method] ?? method;
  }
  return method;
}
