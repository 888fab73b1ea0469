import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
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
  close(): Promise<void>;
}

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

/**
 * Starts local-aws-sqs (a real SQS server speaking the AWS protocols: FIFO groups and
 * deduplication, visibility timeouts, delays, redrive) in a child process whose clock reads
 * `startMs` now, runs at real speed and can jump (see sqs-server-process.cjs), so delays and
 * visibility timeouts are crossed in an instant.
 */
export async function startSqsServer(startMs: number = Date.now()): Promise<SqsServer> {
  const child: ChildProcess = fork(join(__dirname, "sqs-server-process.cjs"), [], {
    env: { ...process.env, FERRY_SQS_OFFSET_MS: String(startMs - Date.now()) },
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
  const pending = new Map<number, (at?: number) => void>();
  child.on("message", (message: { type: string; seq?: number; at?: number }) => {
    if (message.type === "advanced") pending.get(message.seq as number)?.(message.at);
  });
  /** Sends a request to the server process and resolves with its answer. */
  const ask = (request: { type: "advance"; ms: number } | { type: "next" }) =>
    new Promise<number | undefined>((resolve) => {
      const id = ++seq;
      pending.set(id, (at) => {
        pending.delete(id);
        resolve(at);
      });
      child.send({ ...request, seq: id });
    });
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
    nextTimerAt: () => ask({ type: "next" }),
    advance: async (ms) => {
      await ask({ type: "advance", ms });
    },
    close: async () => {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
