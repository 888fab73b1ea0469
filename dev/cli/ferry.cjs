#!/usr/bin/env node
// The `ferry` command. Loads the TypeScript sources through tsx so a fresh clone runs without a build step.
require("tsx/cjs");
require("../main.ts").main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
