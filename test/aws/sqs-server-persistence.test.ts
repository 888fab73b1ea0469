import childProcess, { type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { startSqsServer, type SqsServer } from "../../aws-local/sqs-server";

/**
 * The offline SQS server's state file: a server that stops (or is killed) and a new one started
 * on the same file have the same messages, as `ferry aws-local` needs across restarts.
 */

let dir: string;
let stateFile: string;
const started: SqsServer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-sqs-state-"));
  stateFile = join(dir, "sqs.json");
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

/** A server on the test's state file, closed after the test. */
async function start(startMs = Date.now()): Promise<SqsServer> {
  const server = await startSqsServer(startMs, { stateFile });
  started.push(server);
  return server;
}

/** A server with its queues created and its saved messages restored, as `ferry aws-local` starts one. */
async function restart(queues: string[], startMs?: number): Promise<{ server: SqsServer; urls: string[]; restored: number }> {
  const server = await start(startMs);
  const urls = await Promise.all(queues.map((name) => server.createQueue(name)));
  return { server, urls, restored: await server.restore() };
}

/** A short poll of up to 10 messages, with their group ids and message attributes. */
async function receive(server: SqsServer, queueUrl: string, visibilitySeconds = 30): Promise<Message[]> {
  const out = await server.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: visibilitySeconds,
      MessageSystemAttributeNames: ["MessageGroupId"],
      // local-aws-sqs reads only the older name of that parameter (as sqs-poller.ts notes).
      AttributeNames: ["MessageGroupId"] as never,
      MessageAttributeNames: ["All"],
    }),
  );
  return out.Messages ?? [];
}

/** Receives and deletes until `count` messages came (or a few empty polls passed). */
async function drain(server: SqsServer, queueUrl: string, count: number): Promise<Message[]> {
  const got: Message[] = [];
  for (let polls = 0; got.length < count && polls < 50; polls++) {
    for (const message of await receive(server, queueUrl)) {
      got.push(message);
      await server.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return got;
}

const send = (server: SqsServer, queueUrl: string, body: string, extra: Partial<ConstructorParameters<typeof SendMessageCommand>[0]> = {}) =>
  server.client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...extra }));

test("FIFO messages come back in order within each group, with their group ids and attributes", async () => {
  const first = await restart(["runs.fifo"]);
  expect(first.restored).toBe(0);
  const [url] = first.urls as [string];
  const sends: Array<[string, string]> = [
    ["a", "a1"],
    ["b", "b1"],
    ["a", "a2"],
    ["c", "c1"],
    ["b", "b2"],
    ["a", "a3"],
  ];
  for (const [group, body] of sends) {
    await send(first.server, url, body, {
      MessageGroupId: group,
      MessageDeduplicationId: `dedup-${body}`,
      MessageAttributes: { kind: { DataType: "String", StringValue: `kind-${body}` } },
    });
  }
  await first.server.close();

  const second = await restart(["runs.fifo"]);
  expect(second.restored).toBe(6);
  const got = await drain(second.server, second.urls[0] as string, 6);
  const byGroup = (messages: Array<{ group: string; body: string }>) =>
    Object.fromEntries(["a", "b", "c"].map((group) => [group, messages.filter((m) => m.group === group).map((m) => m.body)]));
  expect(byGroup(got.map((m) => ({ group: m.Attributes?.MessageGroupId as string, body: m.Body as string })))).toEqual(byGroup(sends.map(([group, body]) => ({ group, body }))));
  for (const message of got) expect(message.MessageAttributes?.kind?.StringValue).toBe(`kind-${message.Body}`);
});

test("a delayed message comes back still delayed, receivable once the rest of its delay passed", async () => {
  const first = await restart(["timers"]);
  await send(first.server, first.urls[0] as string, "later", { DelaySeconds: 600 });
  await first.server.close();

  const second = await restart(["timers"]);
  expect(second.restored).toBe(1);
  const url = second.urls[0] as string;
  const attributes = await second.server.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessagesDelayed"] }));
  expect(attributes.Attributes?.ApproximateNumberOfMessagesDelayed).toBe("1");
  expect(await receive(second.server, url)).toEqual([]);
  await second.server.advance(600_000);
  expect((await receive(second.server, url)).map((m) => m.Body)).toEqual(["later"]);
});

test("time spent stopped counts toward a delay: after 400 s down, 200 s of a 600 s delay are left", async () => {
  const first = await restart(["timers"]);
  await send(first.server, first.urls[0] as string, "later", { DelaySeconds: 600 });
  await first.server.close();

  const second = await restart(["timers"], Date.now() + 400_000);
  const url = second.urls[0] as string;
  await second.server.advance(150_000);
  expect(await receive(second.server, url)).toEqual([]);
  await second.server.advance(51_000);
  expect((await receive(second.server, url)).map((m) => m.Body)).toEqual(["later"]);
});

test("an in-flight message comes back visible, a deleted one does not, a queue not created again is skipped", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    const first = await restart(["jobs", "gone"]);
    const [jobs, gone] = first.urls as [string, string];
    await send(first.server, jobs, "in-flight");
    await send(first.server, jobs, "deleted");
    await send(first.server, gone, "orphan");
    const received = await receive(first.server, jobs, 300);
    expect(received.map((m) => m.Body).sort()).toEqual(["deleted", "in-flight"]);
    const deleted = received.find((m) => m.Body === "deleted") as Message;
    await first.server.client.send(new DeleteMessageCommand({ QueueUrl: jobs, ReceiptHandle: deleted.ReceiptHandle }));
    await first.server.close();

    const second = await restart(["jobs"]);
    expect(second.restored).toBe(1);
    expect((await receive(second.server, second.urls[0] as string)).map((m) => m.Body)).toEqual(["in-flight"]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("gone"));
  } finally {
    warn.mockRestore();
  }
});

test("a killed server process keeps what was sent before it, saved within the save interval", async () => {
  // The test reaches the server's process through the fork that starts it, to kill it as a crash would.
  const fork = jest.spyOn(childProcess, "fork");
  const first = await restart(["jobs"]);
  const child = fork.mock.results[0]?.value as ChildProcess;
  fork.mockRestore();
  for (const body of ["one", "two", "three"]) await send(first.server, first.urls[0] as string, body);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  expect(existsSync(`${stateFile}.tmp`)).toBe(false);

  const second = await restart(["jobs"]);
  expect(second.restored).toBe(3);
  expect((await drain(second.server, second.urls[0] as string, 3)).map((m) => m.Body)).toEqual(["one", "two", "three"]);
});

test("a server that has not restored yet does not overwrite the saved messages", async () => {
  const first = await restart(["jobs"]);
  await send(first.server, first.urls[0] as string, "kept");
  await first.server.close();

  const idle = await start();
  await idle.createQueue("jobs");
  await new Promise((resolve) => setTimeout(resolve, 300));
  await idle.close();

  const second = await restart(["jobs"]);
  expect(second.restored).toBe(1);
});

test("no state file yet restores nothing; a corrupt one is refused, naming the file", async () => {
  const fresh = await restart(["jobs"]);
  expect(fresh.restored).toBe(0);
  await fresh.server.close();

  await writeFile(stateFile, '{"version":1,"queues":{"jobs":[{"bo');
  const server = await start();
  await server.createQueue("jobs");
  await expect(server.restore()).rejects.toThrow(`the SQS state file ${stateFile} is corrupt`);
});
