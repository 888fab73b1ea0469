import { stopOnSignals } from "../adapters/http/stop-on-signals";
import { parseDevOptions, usage } from "./cli-options";
import { dashboardUsage, parseDashboardOptions } from "./dashboard-proxy/dashboard-options";
import { startDashboardProxy } from "./dashboard-proxy/dashboard-proxy";
import { startDevServer } from "./start-dev-server";

/**
 * The `ferry` command. `ferry dev` runs the dev server until Ctrl-C (or SIGTERM), then stops
 * cleanly: in-flight calls finish and the database is closed, so nothing is half-written.
 */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "dashboard") return dashboard(rest);
  if (command !== "dev" || rest.includes("--help") || rest.includes("-h")) {
    const help = command === "dev" || command === "--help" || command === "-h" || command === undefined;
    if (!help) process.stderr.write(`ferry: unknown command ${JSON.stringify(command)}\n\n`);
    (help ? process.stdout : process.stderr).write(usage);
    process.exitCode = help ? 0 : 1;
    return;
  }
  const options = parsedOrExit("ferry dev", usage, () => parseDevOptions(rest));
  if (!options) return;
  const server = await startDevServer(options);
  stopOnSignals(() => server.close());
}

/** `ferry dashboard --api <url>`: the dashboard of another Ferry (a deployment), served locally until Ctrl-C. */
async function dashboard(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(dashboardUsage);
    return;
  }
  const options = parsedOrExit("ferry dashboard", dashboardUsage, () => parseDashboardOptions(argv));
  if (!options) return;
  const proxy = await startDashboardProxy(options);
  process.stdout.write(`Ferry dashboard for ${options.api} on ${proxy.url}/\n`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** A command's parsed options, or undefined after printing what is wrong and the usage (exit code 2). */
function parsedOrExit<T>(command: string, help: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n\n${help}`);
    process.exitCode = 2;
    return undefined;
  }
}
