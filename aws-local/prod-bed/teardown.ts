/** Stops one thing the bed started. */
export type Stop = () => Promise<void> | void;

/**
 * The stops of what a bed has started so far, run last-started first. The bed's `close` runs
 * them, and so does a start that fails half-way (a taken port), so a failed start leaves no
 * server, child process or temporary directory behind.
 */
export class Teardown {
  private readonly stops: Stop[] = [];

  /** Registers the stop of something just started and hands it back. */
  add<T>(started: T, stop: (started: T) => Promise<void> | void): T {
    this.stops.push(() => stop(started));
    return started;
  }

  /**
   * Runs every stop registered, last first, each once. One that throws does not keep the
   * others from running; the first error is thrown after all have run.
   */
  async run(): Promise<void> {
    let first: unknown;
    for (let stop = this.stops.pop(); stop !== undefined; stop = this.stops.pop()) {
      try {
        await stop();
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }
}
