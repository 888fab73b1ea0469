import { oncePerContainer } from "./cold-start";
import { awsDeps } from "./deps";
import { makeQueueHandler } from "./queue-handler";

/**
 * The runner Lambda: reads the route queue the bus rule fills, and for each event matches
 * triggers, resumes waits, applies cancelOn, debounce, batching, rate limits, idempotency and
 * singleton, and creates runs. Events of the account that extra rules match are accepted as
 * Ferry events first. See docs/architecture.md for why a queue sits between rule and runner.
 */
export const handler = makeQueueHandler(
  oncePerContainer(async () => {
    const { engine, telemetry } = awsDeps(process.env);
    return { telemetry, consume: engine.consumeRoutes };
  }),
);
