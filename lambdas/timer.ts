import { oncePerContainer } from "./cold-start";
import { awsDeps } from "./deps";
import { makeQueueHandler } from "./queue-handler";

/**
 * The timer Lambda: reads the delay queue, where sleeps, timeouts, retries, debounce and batch
 * windows and cron ticks arrive (directly when due within 15 minutes, else handed over by a
 * Scheduler schedule). A firing whose stored token no longer matches is ignored; the rest
 * enqueue their job on the run queue. Each firing's lateness is a metric (`TimerLateness`).
 */
export const handler = makeQueueHandler(
  oncePerContainer(async () => {
    const { engine, telemetry } = awsDeps(process.env);
    return { telemetry, consume: engine.consume };
  }),
);
