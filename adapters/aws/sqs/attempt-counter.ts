/**
 * Counts the failed attempts at one SQS message. `ApproximateReceiveCount` cannot: a FIFO
 * message handed out behind a failed one of its group is counted as received without being
 * tried, so after a few retries of the first, the ones behind it would look exhausted on their
 * first real attempt. Only failures are counted, so the happy path costs nothing.
 */
export interface AttemptCounter {
  /** Records one more failed attempt at the message and returns how many there were. */
  countFailure(messageId: string): Promise<number>;
}
