import os from "node:os";

/**
 * Each test file runs in a process of its own (`workerIdleMemoryLimit` in jest.config.js). In a
 * shared process the AsyncLocalStorage instances each file leaves behind pile up, Node runs every
 * one on every promise, and the suites that come late (the AWS bed's) slow down until their
 * timeouts fail. test/support/jest-env.ts counts the files a process has run.
 */
it("runs in a process that has run no other test file (jest.config.js recycles workers after each file)", () => {
  const shared = os as unknown as { ferryTestFiles?: number };
  expect({ filesInThisProcess: shared.ferryTestFiles, hint: "run without --runInBand / -i, or keep workerIdleMemoryLimit" }).toEqual({
    filesInThisProcess: 1,
    hint: expect.any(String),
  });
});
