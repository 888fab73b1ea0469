/**
 * How a local server process (`ferry dev`, `ferry aws-local`) stops: on Ctrl-C (SIGINT) or
 * SIGTERM it says so and awaits `close` (work in flight finishes, state is saved), then exits 0,
 * or 1 if closing failed; a second signal exits at once with 130, without waiting.
 */
export function stopOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`\n${signal}: stopping (press Ctrl-C again to force)\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
