import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { VirtualClock } from "../../core";
import { createLocalEngine, type LocalEngine } from "../../adapters/local/local-engine";
import { createDevHttpServer } from "../../dev/server/dev-server";
import { FerryApi } from "../support/ferry-api";
import { inProcessCaller, joinInProcessApp } from "../support/in-process-app";
import { T0 } from "../support/in-process-ferry";

/**
 * The local engine commits its writes in groups (adapters/local/sqlite/group-commit.ts): a kill
 * -9 loses the writes of the current turn. That is safe only if nothing outside the process has
 * seen them. This suite looks at the two doors out, at the moment something goes through: every
 * call to the app and every HTTP response must find no write waiting for its commit.
 */
describe("nothing uncommitted leaves the local engine", () => {
  let dir: string;
  let engine: LocalEngine;
  let server: Server;
  let api: FerryApi;
  const uncommittedAtCall: boolean[] = [];
  const uncommittedAtResponse: Array<{ url: string; pending: boolean }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ferry-commit-"));
    const clock = new VirtualClock(T0);
    const app = inProcessCaller();
    engine = createLocalEngine({
      database: join(dir, "dev.db"),
      clock,
      // One call per step, so every step's commit is seen at a call (a checkpoint's answer goes
      // through the same HTTP listener as the responses checked below).
      settings: { checkpointing: false },
      caller: {
        call: (request) => {
          uncommittedAtCall.push(engine.db.inTransaction);
          return app.caller.call(request);
        },
      },
    });
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
      { deps: engine.deps, syncApp: async (url) => ({ ok: false, url, error: "in process" }), virtualClock: clock, idle: () => engine.idle() },
      { onProblem: () => {}, commit: () => engine.commit() },
    );
    // Runs before the dev server's own listener: watches the moment the response goes out.
    server.prependListener("request", (req, res) => {
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        uncommittedAtResponse.push({ url: req.url ?? "", pending: engine.db.inTransaction });
        return end(...args);
      }) as typeof res.end;
    });
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
    const sends = uncommittedAtResponse.filter((seen) => seen.url.startsWith("/e/"));
    expect(sends).toEqual([{ url: "/e/test", pending: false }]);
  });

  it("calls the app only with committed state, and the runs finish", async () => {
    const [eventId] = await api.send({ name: "test/go", data: { n: 10 } });
    await engine.idle();
    const runs = await api.runsOf(eventId as string);
    expect(runs.map((run) => [run.status, run.output])).toEqual([["Completed", 23]]);
    // 3 runs of 3 steps: 4 calls each, every one made with nothing waiting for its commit.
    expect(uncommittedAtCall).toHaveLength(12);
    expect(uncommittedAtCall.every((pending) => !pending)).toBe(true);
  });

  it("answers reads with nothing waiting for its commit", async () => {
    await api.request("GET", "/v1/runs");
    expect(uncommittedAtResponse.length).toBeGreaterThanOrEqual(3);
    expect(uncommittedAtResponse.filter((seen) => seen.pending)).toEqual([]);
  });
});
