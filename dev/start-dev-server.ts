import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import pc from "picocolors";
import { VirtualClock } from "../core";
import { HttpFunctionCaller } from "../adapters/http/function-caller";
import { createLocalEngine, type LocalEngine } from "../adapters/local/local-engine";
import { syncApp } from "../adapters/http/app-sync";
import type { DevOptions } from "./cli-options";
import { exampleServeUrl, startExampleApp } from "./example-process";
import { createLogObserver, type LogSink } from "./log-observer";
import { createDevHttpServer } from "./server/dev-server";
import { PAUSE_AT_ENV, formatPausePoint, pausePointFromEnv } from "./test-pause-point";

/** A running dev server. */
export interface RunningDevServer {
  /** Base URL, e.g. http://127.0.0.1:8288 */
  url: string;
  engine: LocalEngine;
  /** Stops accepting requests, lets in-flight jobs finish, closes the store and the example app. */
  close(): Promise<void>;
}

/**
 * Starts `ferry dev`: the engine on SQLite, its HTTP API, syncing of the given app URLs, and the
 * example app when asked. Work left in the database by a previous (even killed) process resumes.
 */
export async function startDevServer(options: DevOptions, sink?: LogSink): Promise<RunningDevServer> {
  const print = sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.database !== ":memory:") mkdirSync(dirname(options.database), { recursive: true });
  const virtualClock = options.virtualClock ? new VirtualClock(Date.now()) : undefined;
  const observer = createLogObserver(print, !options.quiet);
  const caller = new HttpFunctionCaller({ signingKey: options.signingKey, serverKind: "dev" });
  // Crash tests only: undefined (and nothing wrapped) unless FERRY_TEST_PAUSE_AT is set.
  const pausing = pausePointFromEnv(process.env, (line) => {
    // The test kills the process on this line: what was written before the point must be on disk.
    engine.commit();
    process.stderr.write(`${line}\n`);
  });
  const engine = createLocalEngine({
    database: options.database,
    caller,
    clock: virtualClock,
    observer,
    settings: {
      ...(options.retryBaseMs === undefined ? {} : { retryBaseDelay: options.retryBaseMs }),
      ...(options.checkpointing === false ? { checkpointing: false } : {}),
    },
    ...(pausing ? { handle: pausing.handle } : {}),
  });
  try {
    pausing?.verify(engine.deps);
  } catch (error) {
    await engine.close();
    throw error;
  }
  // Held long polls (`GET /v1/live`) answer at once when the server stops, so Ctrl-C is not held up.
  const stopping = new AbortController();
  const server = createDevHttpServer(
    {
      live: { pollMs: 200, signal: stopping.signal },
      deps: engine.deps,
      eventKeys: options.eventKey === undefined ? undefined : [options.eventKey],
      signingKeys: options.signingKey === undefined ? undefined : [options.signingKey],
      syncApp: (url) => syncApp(url),
      virtualClock,
      idle: () => engine.idle(),
    },
    {
      onProblem: (message, error) => observer.problem?.(message, error),
      durable: () => engine.durable(),
      // The bound name is how clients reach it; localhost and IP addresses are always accepted.
      policy: { allowedHosts: [options.host.toLowerCase(), ...(options.allowedHosts ?? [])] },
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (error) {
    await engine.close();
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") throw new Error(`${options.host}:${options.port} is already in use (is another ferry dev running?); pick another with --port`);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}`;
  engine.start();
  print(`${pc.bold("Ferry dev server")} listening on ${pc.cyan(url)}`);
  print(`  dashboard   ${url}/`);
  print(`  events      POST ${url}/e/<event key>`);
  print(`  runs API    ${url}/v1/runs`);
  print(`  store       ${options.database === ":memory:" ? "in memory" : options.database}${virtualClock ? ", virtual clock" : ""}`);
  if (pausing) print(`  ${pc.yellow("test pause")}  ${PAUSE_AT_ENV}=${formatPausePoint(pausing.point)}: jobs stop there (crash tests only)`);

  let example: ChildProcess | undefined;
  const urls = [...options.urls];
  if (options.example) {
    example = startExampleApp(url, print);
    urls.push(exampleServeUrl());
  }
  for (const appUrl of urls) {
    void syncApp(appUrl, { attempts: 60, delayMs: 500 }).then((result) =>
      print(result.ok ? `${pc.green("synced")}   ${appUrl}` : `${pc.red("sync failed")} ${appUrl}: ${result.error}`),
    );
  }

  return {
    url,
    engine,
    close: async () => {
      example?.kill("SIGTERM");
      stopping.abort();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
      caller.close();
    },
  };
}
