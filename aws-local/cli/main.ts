import { stopOnSignals } from "../../adapters/http/stop-on-signals";
import { awsLocalUsage, parseAwsLocalOptions } from "./aws-local-options";
import { startAwsLocal } from "./start-aws-local";

/**
 * `ferry aws-local`: the production topology offline until Ctrl-C (or SIGTERM), then a clean
 * stop: batches in flight finish, and the queues and schedules are saved to the data directory.
 */
export async function awsLocalMain(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(awsLocalUsage);
    return;
  }
  let options;
  try {
    options = parseAwsLocalOptions(argv);
  } catch (error) {
    process.stderr.write(`ferry aws-local: ${(error as Error).message}\n\n${awsLocalUsage}`);
    process.exitCode = 2;
    return;
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const local = await startAwsLocal(options, print).catch((error: NodeJS.ErrnoException) => {
    // Both ports (the HTTP API, the dashboard) are ones a user picks: say which is taken and how to pick others.
    if (error.code === "EADDRINUSE") throw new Error(`ferry aws-local: ${error.message.replace(/^listen EADDRINUSE: address already in use /, "")} is taken (is ferry dev or another aws-local running?); --port <n> and --dashboard-port <n> pick others`);
    throw error;
  });
  const url = local.url.replace(/\/$/, "");
  const devMode = options.signingKeyHex === undefined;
  print(`\nFerry on the offline AWS topology at ${url}`);
  print(`  events      POST ${url}/e/${options.eventKey === undefined ? "<any key>" : "<event key>"}`);
  print(`  apps        INNGEST_BASE_URL=${url}${devMode ? " INNGEST_DEV=1 (dev mode: no signing key needed)" : " INNGEST_SIGNING_KEY=<your signing key>"}`);
  print(`  REST API    ${url}/v1/runs${devMode ? "" : " (Authorization: Bearer <hashed signing key>)"}`);
  print(`  dashboard   ${local.dashboardUrl === undefined ? `off (npx ferry dashboard --api ${url}${devMode ? "" : " --signing-key <key>"})` : `${local.dashboardUrl}/`}`);
  print(`  data        ${options.dir === undefined ? "in memory (gone on exit)" : `${options.dir} (${local.bed.restoredMessages} queued messages restored)`}`);
  print("");
  stopOnSignals(() => local.close());
}
