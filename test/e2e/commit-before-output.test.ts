import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { handleJob, VirtualClock, type EngineDeps } from "../../core";
import { createLocalEngine, type LocalEngine } from "../../adapters/local/local-engine";
import { createDevHttpServer } from "../../dev/server/dev-server";
import { FerryApi } from "../support/ferry-api";
import { inProcessCaller, joinInProcessApp } from "../support/in-process-app";
import { T0 } from "../support/in-process-ferry";

/** Ports whose writes the test follows. */
const PORTS = ["events", "runs", "apps", "waits", "flow", "backlog", "skips", "queue", "timers", "bus"] as const;

/**
 * The local engine commits its writes in groups (adapters/local/sqlite/group-commit.ts): a kill
 * -9 loses the writes of the current turn. That is safe only if nothing outside the process has
 * seen them. This suite looks at the two doors out, at the moment something goes through: every
 * call to the app and every HTTP response must find its own writes committed.
 *
 * "Its own writes": SQLite's `total_changes()` counts every row written on the connection. Each
 * request and each job runs in its own async context, which notes the count after each of its
 * port calls; every COMMIT notes the count it made durable. At the door, the second must have
 * reached the first (other work may have opened a new group meanwhile, which is fine).
 */
describe("nothing uncommitted leaves the local engine", () => {
  let dir: string;
  let engine: LocalEngine;
  let server: Server;
  let api: FerryApi;
  const scope = new AsyncLocalStorage<{ changes: number }>();
  let committed = 0;
  let totalChanges: () => number = () => 0;
  const atCall: Array<{ own: number; committed: number }> = [];
  const atResponse: Array<{ url: string; own: number; committed: number }> = [];

  /** The ports, noting the write count in the current scope after each call. */
  const following = (deps: EngineDeps): EngineDeps => {
    const wrapped: Record<string, unknown> = { ...deps };
    for (const port of PORTS) {
      wrapped[port] = new Proxy(deps[port] as object, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== "function") return value;
          return async (...args: unknown[]) => {
            const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            const own = scope.getStore();
            if (own) own.changes = totalChanges();
            return result;
          };
        },
      });
    }
    return wrapped as unknown as EngineDeps;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ferry-commit-"));
    const clock = new VirtualClock(T0);
    const app = inProcessCaller();
    engine = createLocalEngine({
      database: join(dir, "dev.db"),
      clock,
      // One call per step, so every step's writes meet a call (a checkpoint's answer goes
      // through the same HTTP listener as the responses checked below).
      settings: { checkpointing: false },
      handle: (deps, job, delivery) => scope.run({ changes: 0 }, () => handleJob(following(deps), job, delivery)),
      caller: {
        call: (request) => {
          atCall.push({ own: scope.getStore()?.changes ?? Number.NaN, committed });
          return app.caller.call(request);
        },
      },
    });
    const count = engine.db.prepare<[], number>("SELECT total_changes()").pluck();
    totalChanges = () => count.get() as number;
    const exec = engine.db.exec.bind(engine.db);
    engine.db.exec = (sql: string) => {
      const before = totalChanges();
      const result = exec(sql);
      if (sql === "COMMIT") committed = before;
      return result;
    };
    engine.start();
    await joinInProcessApp(
      engine.deps,
      app,
      (ferry) => [
        ferry.createFunction({ id: "three-steps" }, { event: "test/go" }, async ({ step, event }) => {
          const a = await step.run("a", () => (event.data as { n: number }).n + 1);
          const b = await step.run("b", () => a * 2);
          return step.run("c", () => b + 1);
        }),
      ],
      { virtualClock: clock, idle: () => engine.idle() },
    );
    server = createDevHttpServer(
      { deps: following(engine.deps), syncApp: async (url) => ({ ok: false, url, error: "in process" }), virtualClock: clock, idle: () => engine.idle() },
      { onProblem: () => {}, durable: () => engine.durable() },
    );
    // Each request in a scope of its own, and the moment its answer goes out recorded.
    const [serveRequest] = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) =>
      scope.run({ changes: 0 }, () => {
        const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
        res.end = ((...args: unknown[]) => {
          atResponse.push({ url: req.url ?? "", own: scope.getStore()?.changes ?? Number.NaN, committed });
          return end(...args);
        }) as typeof res.end;
        serveRequest?.(req, res);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = new FerryApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers an accepted event only once it is committed", async () => {
    const ids = await api.send([{ name: "test/go", data: { n: 1 } }, { name: "test/go", data: { n: 2 } }]);
    expect(ids).toHaveLength(2);
    const [send] = atResponse.filter((seen) => seen.url.startsWith("/e/"));
    expect(send?.own).toBeGreaterThan(0); // the event was written by this request
    expect(send?.committed).toBeGreaterThanOrEqual(send?.own ?? Number.POSITIVE_INFINITY);
  });

  it("calls the app only once the calling job's writes are committed, and the runs finish", async () => {
    const [eventId] = await api.send({ name: "test/go", data: { n: 10 } });
    await engine.idle();
    const runs = await api.runsOf(eventId as string);
    expect(runs.map((run) => [run.status, run.output])).toEqual([["Completed", 23]]);
    await engine.idle();
    // 3 runs of 3 steps: 4 calls each, every one made with its job's writes committed.
    expect(atCall).toHaveLength(12);
    expect(atCall.filter((seen) => seen.own > 0)).toHaveLength(12);
    expect(atCall.filter((seen) => seen.committed < seen.own)).toEqual([]);
  });

  it("answers every request with its writes committed", async () => {
    await api.request("GET", "/v1/runs");
    expect(atResponse.length).toBeGreaterThanOrEqual(3);
    expect(atResponse.filter((seen) => seen.committed < seen.own)).toEqual([]);
  });
});
