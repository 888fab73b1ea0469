import os from "node:os";

// The AWS SDK warns once per process that it will need Node 22 from 2027; Lambda runs nodejs22.x
// and the local machines Node 20 (the version pinned in package.json works on both), so the
// warning would only repeat itself in every jest worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// Counts the test files this process has run, on an object every jest sandbox of the process
// shares (a core module), for test/architecture/test-isolation.test.ts.
const shared = os as unknown as { ferryTestFiles?: number };
shared.ferryTestFiles = (shared.ferryTestFiles ?? 0) + 1;
