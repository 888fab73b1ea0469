/** Jest runs every suite: unit tests beside the code, cross-cutting suites in test/. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022" } }],
    // ESM-only dependencies are compiled to CommonJS for jest (Node 20's jest cannot require ESM).
    "^.+\\.m?js$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(@marcbachmann/cel-js)/)"],
  testMatch: ["<rootDir>/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  moduleNameMapper: { "^@ferry/sdk$": "<rootDir>/sdk/src/index.ts", "^@ferry/sdk/(node|express)$": "<rootDir>/sdk/src/serve/node.ts", "^@ferry/sdk/fetch$": "<rootDir>/sdk/src/serve/fetch.ts", "^@ferry/sdk/lambda$": "<rootDir>/sdk/src/serve/lambda.ts" },
  testTimeout: 20000,
  // Every test file in a fresh worker process. In one long-lived process each file leaves
  // AsyncLocalStorage instances behind (jest-circus makes one per file, the official SDK and
  // playwright more), and Node runs every live storage on every promise: by the last files an
  // await cost 100 times what it did at the start, and the AWS bed's suites ran 10 times slower
  // (its event API timed out). A limit below any worker's heap recycles the worker after each
  // file; a fresh worker costs well under a second, and the suite got faster, not slower.
  workerIdleMemoryLimit: "1MB",
  setupFiles: ["<rootDir>/test/support/jest-env.ts"],
};
