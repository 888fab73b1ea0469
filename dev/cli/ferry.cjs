#!/usr/bin/env node
// The `ferry` command. Loads the TypeScript sources through tsx so a fresh clone runs without a build step.
// `ferry aws-local` lives beside the AWS adapters (aws-local/), the other commands in dev/.
require("tsx/cjs");
const argv = process.argv.slice(2);
const run = argv[0] === "aws-local" ? () => require("../../aws-local/cli/main.ts").awsLocalMain(argv.slice(1)) : () => require("../main.ts").main(argv);
run().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
