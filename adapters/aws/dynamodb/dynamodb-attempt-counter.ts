import type { AttemptCounter } from "../sqs/attempt-counter";
import type { DynamoTable } from "./dynamo-table";
import { keys, ttlSeconds } from "./keys";
import { TTL_ATTRIBUTE } from "./table";

/** SQS keeps a message at most 14 days; its failure count need not outlive it. */
const RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/** Failed attempts per SQS message, one atomic counter item each (`ATTEMPTS#<messageId>`), collected by TTL. */
export class DynamoDbAttemptCounter implements AttemptCounter {
  constructor(
    private readonly table: DynamoTable,
    private readonly now: () => number,
  ) {}

  countFailure(messageId: string): Promise<number> {
    return this.table.increment(`count failure of message ${messageId}`, keys.attempts(messageId), "failures", 1, { [TTL_ATTRIBUTE]: ttlSeconds(this.now() + RETENTION_MS) });
  }
}
