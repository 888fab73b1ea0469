import { parseArgs } from "node:util";
import { parseDuration } from "../core";
import { isHttpUrl } from "../core/protocol/http-url";

/** `ferry dev` settings after parsing the command line. */
export interface DevOptions {
  port: number;
  host: string;
  /** SQLite file, or ":memory:" with `--in-memory`. */
  database: string;
  /** Host names accepted in the `Host` header besides localhost and IP addresses (`--allowed-host`). @default [] */
  allowedHosts?: string[];
  /** App serve URLs to sync on start (`-u`, repeatable). */
  urls: string[];
  /** Start the example app (`examples/video-app`) and sync it. */
  example: boolean;
  virtualClock: boolean;
  signingKey?: string;
  eventKey?: string;
  /** First retry delay (ms); small values make local retries quick. */
  retryBaseMs?: number;
  /**
   * Let SDKs run many steps per call and report each through the checkpoint API (`ctx.fn_id`
   * sent); `--no-checkpointing` keeps one step per call, as a deployment without it runs.
   * @default true
   */
  checkpointing?: boolean;
  quiet: boolean;
}

export const usage = `Usage: ferry dev [options]

  --port <n>            port to listen on (default 8288)
  --host <addr>         address to bind (default 127.0.0.1)
  --allowed-host <name> also answer requests for this host name (repeatable; e.g. a
                        docker-compose service name); localhost and IPs always work
  --db <file>           SQLite database (default .ferry/dev.db)
  --in-memory           keep state in memory only (lost on exit)
  -u, --url <url>       app serve URL to sync on start (repeatable)
  --example             also start the example app and sync it
  --virtual-clock       time moves only through POST /v0/dev/clock/advance (tests)
  --signing-key <key>   sign calls to apps and require it on /fn/register
  --event-key <key>     accept only this event key on POST /e/:key
  --retry-base <dur>    first retry delay, e.g. 1s (default 10s)
  --no-checkpointing    one step per call: SDKs do not report steps as they go
  --quiet               log only retries, failures and problems

Also: ferry dashboard --api <url>   the dashboard of a deployment (ferry dashboard --help)
      ferry aws-local                the production topology offline (ferry aws-local --help)
`;

/** Parses `ferry dev` arguments; throws with a readable message on bad input. */
export function parseDevOptions(argv: string[]): DevOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: process.env.FERRY_PORT ?? "8288" },
      host: { type: "string", default: "127.0.0.1" },
      "allowed-host": { type: "string", multiple: true, default: [] },
      db: { type: "string", default: ".ferry/dev.db" },
      "in-memory": { type: "boolean", default: false },
      url: { type: "string", short: "u", multiple: true, default: [] },
      example: { type: "boolean", default: false },
      "virtual-clock": { type: "boolean", default: false },
      "signing-key": { type: "string" },
      "event-key": { type: "string" },
      "retry-base": { type: "string" },
      "no-checkpointing": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  for (const url of values.url) if (!isHttpUrl(url)) throw new Error(`-u expects an http(s) URL, got ${url}`);
  for (const name of values["allowed-host"]) {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`--allowed-host expects a host name without scheme or port, e.g. ferry, got ${name}`);
  }
  return {
    port,
    host: values.host,
    allowedHosts: values["allowed-host"].map((name) => name.toLowerCase()),
    database: values["in-memory"] ? ":memory:" : values.db,
    urls: values.url,
    example: values.example,
    virtualClock: values["virtual-clock"],
    signingKey: values["signing-key"],
    eventKey: values["event-key"],
    retryBaseMs: values["retry-base"] === undefined ? undefined : durationOption("--retry-base", values["retry-base"]),
    checkpointing: !values["no-checkpointing"],
    quiet: values.quiet,
  };
}

function durationOption(flag: string, value: string): number {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new Error(`${flag} expects a duration such as 500ms or 2s, got ${value}`);
  return parsed;
}
