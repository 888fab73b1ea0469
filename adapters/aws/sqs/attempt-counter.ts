/**
 * Counts the unfinished deliveries of one SQS message: each redelivery handled means the
 * delivery before it failed or its consumer died. `ApproximateReceiveCount` cannot tell: a FIFO
 * message handed out behind a failed one of its group is counted as received without being
 * tried, so after a few retries of the first, the ones behind it would look exhausted on their
 * first real attempt. Only redeliveries are counted, so the happy path costs nothing.
 */
export interface AttemptCounter {
  /** Records one more unfinished delivery of the message and returns how many there were. */
  countFailure(messageId: string): Promise<number>;
}
