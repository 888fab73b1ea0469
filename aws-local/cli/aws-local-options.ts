import { parseArgs } from "node:util";

/** `ferry aws-local` settings after parsing the command line. */
export interface AwsLocalOptions {
  port: number;
  host: string;
  /** Where state is kept across restarts; undefined with `--in-memory`. */
  dir?: string;
  /** The signing key's hex (what the deployment's secret holds); undefined means dev mode. */
  signingKeyHex?: string;
  /** The only event key accepted; undefined accepts any, as `ferry dev` does. */
  eventKey?: string;
  /** App serve URLs to sync once the topology stands (`-u`, repeatable). */
  urls: string[];
  /** Start the example app (`examples/video-app`) pointed at it, and sync it. */
  example: boolean;
  /** Names accepted in the `Host` header besides localhost and IP addresses. */
  allowedHosts: string[];
  /** Print only warnings and errors of the Lambda functions. */
  quiet: boolean;
  /** A cloud assembly `cdk synth` wrote before (`--assembly`), run as it is instead of synthesizing. */
  assembly?: string;
  /** Port of the dashboard (`ferry dashboard` on this API, started with it); undefined with `--no-dashboard`. */
  dashboardPort?: number;
}

export const awsLocalUsage = `Usage: ferry aws-local [options]

Runs the production topology offline: the Lambda bundles \`cdk synth\` writes, wired as AWS
wires them, on DynamoDB (dynalite), SQS (local-aws-sqs), S3 (s3rver) and emulators of
EventBridge, EventBridge Scheduler, Secrets Manager and the HTTP API. Point an app at it as
at a deployment (INNGEST_BASE_URL).

  --port <n>            port of the HTTP API (default 8288)
  --host <addr>         address to bind (default 127.0.0.1)
  --allowed-host <name> also answer requests for this host name (repeatable)
  --dir <path>          keep state here across restarts (default .ferry/aws-local)
  --in-memory           keep nothing: state is gone on exit
  --signing-key <key>   require this signing key (signkey-prod-<hex>, or the hex); without
                        it apps connect in dev mode, as with ferry dev
  --event-key <key>     accept only this event key on POST /e/:key (default: any)
  -u, --url <url>       app serve URL to sync once started (repeatable)
  --example             also start the example app and sync it (as ferry dev --example)
  --dashboard-port <n>  port of the dashboard it serves (default 8289; 0 picks a free one)
  --no-dashboard        serve no dashboard
  --quiet               print only the functions' warnings and errors
  --assembly <dir>      run the stack \`cdk synth -o <dir>\` wrote (what you will deploy)
                        instead of synthesizing one
`;

/** Parses `ferry aws-local` arguments; throws with a readable message on bad input. */
export function parseAwsLocalOptions(argv: string[], env: Record<string, string | undefined> = process.env): AwsLocalOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: env.FERRY_PORT ?? "8288" },
      host: { type: "string", default: "127.0.0.1" },
      "allowed-host": { type: "string", multiple: true, default: [] },
      dir: { type: "string" },
      "in-memory": { type: "boolean", default: false },
      "signing-key": { type: "string" },
      "event-key": { type: "string" },
      url: { type: "string", short: "u", multiple: true, default: [] },
      example: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      assembly: { type: "string" },
      "dashboard-port": { type: "string", default: "8289" },
      "no-dashboard": { type: "boolean", default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const dashboardPort = Number(values["dashboard-port"]);
  if (!Number.isInteger(dashboardPort) || dashboardPort < 0 || dashboardPort > 65535) throw new Error(`--dashboard-port must be 0..65535, got ${values["dashboard-port"]}`);
  if (values.dir !== undefined && values["in-memory"]) throw new Error("--dir and --in-memory exclude each other");
  for (const url of values.url) if (!/^https?:\/\/[^/\s]+/.test(url)) throw new Error(`-u expects an http(s) URL, got ${url}`);
  for (const name of values["allowed-host"]) {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`--allowed-host expects a host name without scheme or port, e.g. ferry, got ${name}`);
  }
  const eventKey = values["event-key"];
  // The key goes into a URL path segment and the ingest function compares it as is.
  if (eventKey !== undefined && !/^[\w.~-]{1,256}$/.test(eventKey)) throw new Error("--event-key must be 1-256 letters, digits, '-', '_', '.' or '~'");
  return {
    port,
    host: values.host,
    dir: values["in-memory"] ? undefined : (values.dir ?? ".ferry/aws-local"),
    signingKeyHex: values["signing-key"] === undefined ? undefined : signingKeyHex(values["signing-key"]),
    eventKey,
    urls: values.url,
    example: values.example,
    allowedHosts: values["allowed-host"],
    quiet: values.quiet,
    ...(values.assembly === undefined ? {} : { assembly: values.assembly }),
    ...(values["no-dashboard"] ? {} : { dashboardPort }),
  };
}

/**
 * The hex of a signing key: `signkey-prod-<hex>` or the bare hex. A deployment keeps only the
 * hex in its secret and its functions put `signkey-prod-` in front, which is also the prefix of
 * the hashed key apps send as their bearer; an app holding `signkey-test-<hex>` would send a
 * bearer the deployment does not know, so that form is refused here rather than at every request.
 */
export function signingKeyHex(key: string): string {
  const hex = key.startsWith("signkey-prod-") ? key.slice("signkey-prod-".length) : key;
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new Error("--signing-key must be signkey-prod-<hex> or the hex alone, an even number of hex digits (e.g. signkey-prod-$(openssl rand -hex 32)), as a deployment's key is");
  return hex;
}
