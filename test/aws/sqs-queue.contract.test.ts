import { describeRunQueueContract, describeTimersContract, type QueueBed } from "../../adapters/contract";
import { processSqsBatch } from "../../adapters/aws/sqs/sqs-batch";
import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import { BED_VISIBILITY_SECONDS, startAwsQueueBed } from "./aws-queue-bed";
import { startDynalite, type DynaliteBed } from "../../aws-local/dynalite-bed";

let dynamo: DynaliteBed;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

/**
 * The run queue and timers on the offline bed: SQS FIFO plus the delay queue on local-aws-sqs,
 * the Scheduler emulator, timer tokens in DynamoDB (dynalite). Time jumps, so a 30-second
 * visibility timeout or a 3-day schedule costs nothing; SQS counts delays in whole seconds.
 */
async function queueBed(): Promise<QueueBed> {
  const stores = createDynamoDbStores({ client: dynamo.client, table: await dynamo.createTable() });
  const bed = await startAwsQueueBed({ tokens: stores.timerTokens });
  return {
    queue: bed.runQueue,
    timers: bed.timers,
    // SQS counts delays in whole seconds, and a firing the delay queue hands over early waits out
    // its remainder. Lateness is judged by where the clock last jumped (`landing`), so a loaded
    // machine's stalls between jumps do not count against the window.
    timing: { precision: 1000, tolerance: 3000, redelivery: (BED_VISIBILITY_SECONDS + 1) * 1000, latency: 200 },
    now: () => bed.clock.now(),
    landing: () => bed.clock.landing(),
    consume: (handler) =>
      bed.start((records) =>
        processSqsBatch(records, (message, delivery) => ("timer" in message ? bed.timers.fire(message.timer) : handler(message.job, { redelivered: delivery.redelivered })), {
          maxDeliveries: 100,
          onDrop: (_message, _deliveries, error) => Promise.reject(error),
        }),
      ),
    advance: (ms) => bed.advance(ms),
    close: async () => {
      const failures = bed.pollerFailures();
      await bed.close();
      if (failures.length > 0) throw new Error(`the bed's pollers failed: ${failures.join("; ")}`);
    },
  };
}

const options = { timeoutMs: 30_000 };
describeRunQueueContract("sqs fifo", queueBed, options);
describeTimersContract("sqs delay queue + scheduler", queueBed, options);
