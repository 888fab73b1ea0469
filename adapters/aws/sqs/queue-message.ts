import { FerryError, JOB_TYPES, type Job } from "../../../core";

/** A timer's firing as it travels through the delay queue (and as a Scheduler target's input). */
export interface TimerFiring {
  id: string;
  at: number;
  /** The token the timer was scheduled with: a firing acts only while the stored token matches. */
  token: string;
  job: Job;
}

/** What Ferry puts in an SQS message body: a job to do now, or a timer on its way to being due. */
export type QueueMessage = { v: 1; job: Job } | { v: 1; timer: TimerFiring };

/**
 * SQS's message size limit (1 MiB since 2025; queues made by Ferry's stack allow it). A `route`
 * job may carry its event; when that would not fit, the event is left out and the router reads
 * it from the event store instead.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * JSON that SQS accepts as a message body. SQS refuses the noncharacters U+FFFE and U+FFFF,
 * which `JSON.stringify` leaves as they are; escaped, they read back the same.
 */
function sqsJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/** The message body of a job, small enough for SQS (see `MAX_MESSAGE_BYTES`). */
export function encodeJob(job: Job, maxBytes = MAX_MESSAGE_BYTES): string {
  const body = sqsJson({ v: 1, job } satisfies QueueMessage);
  if (Buffer.byteLength(body) <= maxBytes) return body;
  if (job.type === "route" && job.event !== undefined) {
    const { event: _event, ...lean } = job;
    return encodeJob(lean, maxBytes);
  }
  throw new FerryError(`job ${job.type} is ${Buffer.byteLength(body)} bytes, over the ${maxBytes}-byte queue message limit`);
}

/** The message body of a timer firing. */
export function encodeTimer(timer: TimerFiring, maxBytes = MAX_MESSAGE_BYTES): string {
  const job = timer.job.type === "route" && timer.job.event !== undefined ? stripEvent(timer.job) : timer.job;
  const body = sqsJson({ v: 1, timer: { ...timer, job } } satisfies QueueMessage);
  if (Buffer.byteLength(body) > maxBytes) throw new FerryError(`timer ${timer.id} is ${Buffer.byteLength(body)} bytes, over the ${maxBytes}-byte queue message limit`);
  return body;
}

function stripEvent(job: Extract<Job, { type: "route" }>): Job {
  const { event: _event, ...lean } = job;
  return lean;
}

/**
 * Reads a message body back. A body that is not Ferry's (someone else wrote to the queue, or a
 * newer version did) is refused with an error naming the message, never guessed at.
 */
export function decodeMessage(body: string, messageId: string): QueueMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FerryError(`message ${messageId} is not JSON`);
  }
  const message = parsed as Partial<{ v: number; job: Job; timer: TimerFiring }>;
  if (message?.v !== 1) throw new FerryError(`message ${messageId} is not a Ferry message (version ${String(message?.v)})`);
  const job = message.job ?? message.timer?.job;
  if (!job || !JOB_TYPES.includes(job.type)) throw new FerryError(`message ${messageId} carries no known job`);
  if (message.timer) {
    // A recurring schedule's firing carries its scheduled time as Scheduler wrote it (ISO 8601).
    const at = toTime(message.timer.at, messageId);
    const fired = job.type === "cron" ? { ...job, at: toTime(job.at, messageId) } : job;
    return { v: 1, timer: { ...message.timer, at, job: fired } };
  }
  return message as QueueMessage;
}

function toTime(value: unknown, messageId: string): number {
  const at = typeof value === "string" ? Date.parse(value) : value;
  if (typeof at !== "number" || !Number.isFinite(at)) throw new FerryError(`message ${messageId} carries no valid time (${String(value)})`);
  return at;
}
