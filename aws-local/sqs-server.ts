import { fork, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
} from "@aws-sdk/client-sqs";
import { awsClientConfig } from "../adapters/aws/aws-client-config";

/** Credentials the bed's clients use; local-aws-sqs accepts any. */
export const BED_CREDENTIALS = { accessKeyId: "ferry", secretAccessKey: "ferry" };

/** A running local-aws-sqs server whose clock follows the bed's. */
export interface SqsServer {
  endpoint: string;
  /** A client for it (adaptive retry, as the adapters' clients). */
  client: SQSClient;
  /** Creates a queue and returns its URL. Names ending in `.fifo` make FIFO queues. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  /** The ARN local-aws-sqs gives a queue of that name (for redrive policies and Scheduler targets). */
  arnOf(name: string): string;
  /** The queue URL of an ARN made by `arnOf`. */
  urlOfArn(arn: string): string;
  /** Messages in a queue in any state (visible, in flight, delayed): zero means nothing is pending there. */
  pending(queueUrl: string): Promise<number>;
  /** When the server's next timer runs (a delay or visibility timeout ending), on the bed's clock; undefined when none is set. */
  nextTimerAt(): Promise<number | undefined>;
  /** Moves the server's clock forward by `ms`; resolves once its due timers ran. */
  advance(ms: number): Promise<void>;
  /**
   * With a `stateFile`: re-sends the saved messages to their queues, by name, in the order they
   * were in, then switches saving on. Call it once, after creating the queues again (their URLs
   * change between runs, their names do not) and before using them. In-flight messages come
   * back visible; a delayed one is delayed until its delay's end as saved, so time spent stopped
   * counts toward it (rounded up to a second; FIFO queues only have their queue's delay). Queues that no longer exist are skipped with a
   * warning. Resolves with the number of messages restored, 0 when there is no file yet.
   *
   * @throws when the state file is not a snapshot this server wrote (corrupt), naming the file.
   */
  restore(): Promise<number>;
  /** Stops the server; with a `stateFile`, after a last save. */
  close(): Promise<void>;
}

/** Options of {@link startSqsServer}. */
export interface SqsServerOptions {
  /**
   * A JSON file that keeps every queue's messages across restarts: the server saves to it at most
   * every 200 ms while its content changes, once {@link SqsServer.restore} ran, and on close.
   * Without it, messages live in memory only.
   */
  stateFile?: string;
}

/** One message in the state file. */
interface SavedMessage {
  body: string;
  groupId?: string;
  deduplicationId?: string;
  attributes?: Record<string, MessageAttributeValue>;
  /** When the message's delay ends (epoch ms, the server's clock); absent when it was not delayed. */
  delayUntil?: number;
}

/** The longest delay SQS accepts on a message. */
const MAX_DELAY_SECONDS = 900;
/** SQS refuses batches over 1 MiB in all; this leaves room for the request's own fields. */
const MAX_BATCH_CHARS = 800_000;

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

/**
 * Starts local-aws-sqs (a real SQS server speaking the AWS protocols: FIFO groups and
 * deduplication, visibility timeouts, delays, redrive) in a child process whose clock reads
 * `startMs` now, runs at real speed and can jump (see sqs-server-process.cjs), so delays and
 * visibility timeouts are crossed in an instant. With `options.stateFile` its messages outlive
 * it (see {@link SqsServerOptions.stateFile} and {@link SqsServer.restore}).
 */
export async function startSqsServer(startMs: number = Date.now(), options: SqsServerOptions = {}): Promise<SqsServer> {
  const { stateFile } = options;
  const child: ChildProcess = fork(join(__dirname, "sqs-server-process.cjs"), [], {
    env: { ...process.env, FERRY_SQS_OFFSET_MS: String(startMs - Date.now()), FERRY_SQS_STATE_FILE: stateFile ?? "" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the SQS server process exited with ${code}`)));
    child.on("message", (message: { type: string; port?: number }) => {
      if (message.type === "ready") resolve(message.port as number);
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient(awsClientConfig({ region: REGION, endpoint, credentials: BED_CREDENTIALS }));
  let seq = 0;
  type Answer = { type: string; seq?: number; at?: number; error?: string };
  const pending = new Map<number, (answer: Answer | Error) => void>();
  child.on("message", (message: Answer) => {
    if (message.type === "advanced" || message.type === "saved") pending.get(message.seq as number)?.(message);
  });
  // A request to a process that died would wait forever.
  child.once("exit", (code, signal) => {
    for (const settle of pending.values()) settle(new Error(`the SQS server process exited (${signal ?? code})`));
  });
  /** Sends a request to the server process and resolves with its answer. */
  const ask = (request: { type: "advance"; ms: number } | { type: "next" } | { type: "persist" } | { type: "save" }) =>
    new Promise<Answer>((resolve, reject) => {
      const id = ++seq;
      pending.set(id, (answer) => {
        pending.delete(id);
        if (answer instanceof Error) reject(answer);
        else if (answer.error !== undefined) reject(new Error(`the SQS server could not save its state to ${stateFile}: ${answer.error}`));
        else resolve(answer);
      });
      child.send({ ...request, seq: id });
    });
  let restored = false;
  // The server's clock, for the delays left on restored messages: the bed's start plus its jumps.
  let offset = startMs - Date.now();
  return {
    endpoint,
    client,
    createQueue: async (name, attributes = {}) => {
      const fifo = name.endsWith(".fifo") ? { FifoQueue: "true" } : {};
      const out = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }));
      return out.QueueUrl as string;
    },
    pending: async (queueUrl) => {
      const names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] as const;
      const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }));
      return names.reduce((sum, name) => sum + Number(out.Attributes?.[name] ?? 0), 0);
    },
    arnOf: (name) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    urlOfArn: (arn) => `${endpoint}/${ACCOUNT}/${arn.split(":").pop()}`,
    nextTimerAt: async () => (await ask({ type: "next" })).at,
    advance: async (ms) => {
      offset += ms;
      await ask({ type: "advance", ms });
    },
    restore: async () => {
      if (stateFile === undefined) throw new Error("restore() needs startSqsServer's stateFile option");
      if (restored) throw new Error("restore() runs once per server: a second run would send the saved messages again");
      restored = true;
      const count = await resendSaved(client, stateFile, Date.now() + offset);
      await ask({ type: "persist" });
      return count;
    },
    close: async () => {
      client.destroy();
      const running = () => child.exitCode === null && child.signalCode === null;
      if (!running()) return;
      // The last changes since the periodic save; a failed save must not keep the process alive.
      const failure = stateFile === undefined ? undefined : await ask({ type: "save" }).then(() => undefined, (error: unknown) => error);
      if (running()) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      if (failure instanceof Error) throw failure;
    },
  };
}

/** Reads the state file: undefined when there is none yet. */
async function readState(stateFile: string): Promise<Record<string, SavedMessage[]> | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(`the SQS state file ${stateFile} is corrupt (${(error as Error).message}); move it away to start with empty queues`);
  }
  const { version, queues } = (typeof state === "object" && state !== null ? state : {}) as { version?: unknown; queues?: unknown };
  const valid =
    version === 1 &&
    typeof queues === "object" &&
    queues !== null &&
    Object.values(queues).every((messages) => Array.isArray(messages) && messages.every((m: SavedMessage | null) => typeof m?.body === "string"));
  if (!valid) throw new Error(`the SQS state file ${stateFile} is corrupt (not a snapshot of SQS queues); move it away to start with empty queues`);
  return queues as Record<string, SavedMessage[]>;
}

/** Sends the saved messages to their queues, by name, in order; returns how many were sent. */
async function resendSaved(client: SQSClient, stateFile: string, now: number): Promise<number> {
  const queues = await readState(stateFile);
  let count = 0;
  for (const [name, messages] of Object.entries(queues ?? {})) {
    let queueUrl: string;
    try {
      queueUrl = (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
    } catch (error) {
      if (!(error instanceof QueueDoesNotExist)) throw error;
      console.warn(`ferry: the SQS queue ${name} no longer exists; its ${messages.length} saved message(s) are dropped`);
      continue;
    }
    const fifo = name.endsWith(".fifo");
    for (const batch of batches(messages.map((message, i) => entryOf(message, String(i), fifo, now)))) {
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch }));
      if (out.Failed && out.Failed.length > 0) {
        const reasons = out.Failed.map((failed) => `${failed.Code}: ${failed.Message}`).join("; ");
        throw new Error(`restoring the SQS queue ${name} from ${stateFile} failed: ${reasons}`);
      }
      count += batch.length;
    }
  }
  return count;
}

/** The batch entry that sends a saved message again. */
function entryOf(message: SavedMessage, id: string, fifo: boolean, now: number): SendMessageBatchRequestEntry {
  const entry: SendMessageBatchRequestEntry = { Id: id, MessageBody: message.body };
  if (message.attributes) entry.MessageAttributes = attributesOf(message.attributes);
  if (fifo) {
    entry.MessageGroupId = message.groupId;
    entry.MessageDeduplicationId = message.deduplicationId;
  } else {
    // Explicitly 0 when the delay was over, or the queue's own delay would start again.
    entry.DelaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(((message.delayUntil ?? now) - now) / 1000)));
  }
  return entry;
}

/** Message attributes as the server kept them (binary values as base64 text) to what the client sends. */
function attributesOf(saved: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [key, value] of Object.entries(saved)) {
    const binary = value.BinaryValue as unknown;
    attributes[key] = typeof binary === "string" ? { ...value, BinaryValue: Buffer.from(binary, "base64") } : value;
  }
  return attributes;
}

/** Splits entries, in order, into batches SQS accepts: at most 10 and under its size limit. */
function batches(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const out: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let chars = 0;
  for (const entry of entries) {
    const size = JSON.stringify(entry).length;
    if (current.length === 10 || (current.length > 0 && chars + size > MAX_BATCH_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(entry);
    chars += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
