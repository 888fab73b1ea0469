import { parseArgs } from "node:util";
import { isHttpUrl } from "../../core/protocol/http-url";

/** `ferry dashboard` settings after parsing the command line. */
export interface DashboardOptions {
  /** The REST API to show: a deployment's (`RestApiUrl` output) or a `ferry dev` URL. */
  api: string;
  /** Sent hashed as `Authorization: Bearer <hashed key>` with every API request; never to the browser. */
  signingKey?: string;
  port: number;
  host: string;
}

export const dashboardUsage = `Usage: ferry dashboard --api <url> [options]

  --api <url>           the REST API to show: a deployment's RestApiUrl output, or a
                        ferry dev URL such as http://127.0.0.1:8288
  --signing-key <key>   the deployment's signing key (or FERRY_SIGNING_KEY); sent hashed
                        with each API request, never to the browser
  --port <n>            port to listen on (default 8289)
  --host <addr>         address to bind (default 127.0.0.1)
`;

/** Parses `ferry dashboard` arguments; throws with a readable message on bad input. */
export function parseDashboardOptions(argv: string[], env: Record<string, string | undefined> = process.env): DashboardOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      api: { type: "string" },
      "signing-key": { type: "string" },
      port: { type: "string", default: "8289" },
      host: { type: "string", default: "127.0.0.1" },
    },
    strict: true,
  });
  if (values.api === undefined) throw new Error("--api <url> is required");
  if (!isHttpUrl(values.api)) throw new Error(`--api expects an http(s) URL, got ${values.api}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const signingKey = values["signing-key"] ?? env.FERRY_SIGNING_KEY;
  return { api: values.api.replace(/\/+$/, ""), port, host: values.host, ...(signingKey ? { signingKey } : {}) };
}
