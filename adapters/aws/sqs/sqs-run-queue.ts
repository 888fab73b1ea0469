import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { FerryError, jobGroup, jobId, ThrottledError, type Job, type RunQueue } from "../../../core";
import { awsCall } from "../aws-errors";
import { encodeJob } from "./queue-message";

/** Where the run queue is. */
export interface SqsRunQueueOptions {
  client: SQSClient;
  /** URL of the FIFO run queue. */
  queueUrl: string;
}

/** SQS takes at most 10 messages per `SendMessageBatch`... */
const BATCH_LIMIT = 10;
/** ...and at most 1 MiB of them together. */
const BATCH_BYTES = 1024 * 1024;

/**
 * The run queue on SQS FIFO. A job's `jobGroup` is its `MessageGroupId` (a run's transitions stay
 * in order; each planned step of a parallel group has its own group), its `jobId` the
 * `MessageDeduplicationId`, so the same work issued twice within SQS's 5-minute window is
 * delivered once. Legitimately repeated work (another attempt, position or tick) has another id.
 */
export class SqsRunQueue implements RunQueue {
  constructor(private readonly options: SqsRunQueueOptions) {}

  enqueue(job: Job): Promise<void> {
    return this.send(job, jobId(job));
  }

  /**
   * Enqueues a job under a deduplication id of the caller's choosing: a fired timer uses its own
   * (timer id and time), so its job is not swallowed by the same job enqueued directly a moment
   * before, which SQS would still remember.
   */
  async send(job: Job, deduplicationId: string): Promise<void> {
    await awsCall(`enqueue ${jobId(job)}`, () =>
      this.options.client.send(
        new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: encodeJob(job), MessageGroupId: jobGroup(job), MessageDeduplicationId: deduplicationId }),
      ),
    );
  }

  /**
   * Enqueues several jobs with `SendMessageBatch`: at most 10 and 1 MiB of bodies per call (SQS
   * limits both), one job of a group per call. Entries a call failed are sent again, up to
   * twice, before the next call; still failing, they are reported (`ThrottledError` when SQS
   * throttled them, so the caller's job comes back).
   */
  async enqueueAll(jobs: readonly Job[]): Promise<void> {
    for (const batch of batches(jobs.map((job) => ({ job, body: encodeJob(job) })))) {
      let pending = batch;
      for (let round = 0; pending.length > 0; round++) {
        const entries = pending.map(({ job, body }, index) => ({ Id: String(index), MessageBody: body, MessageGroupId: jobGroup(job), MessageDeduplicationId: jobId(job) }));
        const out = await awsCall(`enqueue ${entries.length} jobs`, () => this.options.client.send(new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries })));
        const failed = out.Failed ?? [];
        if (failed.length === 0) break;
        if (round >= 2) {
          const message = `enqueue: ${failed.length} jobs refused by SQS (${failed.map((f) => `${f.Code}: ${f.Message}`).join("; ")})`;
          throw failed.every((f) => !f.SenderFault) ? new ThrottledError(message) : new FerryError(message);
        }
        pending = failed.map((f) => pending[Number(f.Id)] as Encoded);
      }
    }
  }
}

interface Encoded {
  job: Job;
  body: string;
}

/**
 * Consecutive runs of jobs that fit one `SendMessageBatch`, in order, with at most one job of a
 * group each: a call can fail in part, and resending a failed entry after a later entry of its
 * group went through would put the two out of order.
 */
function batches(encoded: Encoded[]): Encoded[][] {
  const out: Encoded[][] = [];
  let current: Encoded[] = [];
  let groups = new Set<string>();
  let bytes = 0;
  for (const entry of encoded) {
    const size = Buffer.byteLength(entry.body);
    const group = jobGroup(entry.job);
    if (current.length === BATCH_LIMIT || groups.has(group) || (current.length > 0 && bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      groups = new Set();
      bytes = 0;
    }
    current.push(entry);
    groups.add(group);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
