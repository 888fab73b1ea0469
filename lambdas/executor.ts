import { oncePerContainer } from "./cold-start";
import { awsDeps } from "./deps";
import { makeQueueHandler } from "./queue-handler";
import { loadSigningKeys } from "./secrets";

/**
 * The executor Lambda: reads the FIFO run queue (a group per run, so a run's transitions stay
 * in order), takes concurrency leases, calls the function's URL signed with the signing key
 * (and SigV4 for an `AWS_IAM` URL), stores the outcome and enqueues what comes next.
 */
export const handler = makeQueueHandler(
  oncePerContainer(async () => {
    const signingKeys = await loadSigningKeys(process.env);
    const { engine, telemetry } = awsDeps(process.env, { signingKey: signingKeys[0] });
    return { telemetry, consume: engine.consume };
  }),
);
