// The SQS server of the AWS test bed, in a process of its own so that its clock can be faked
// without touching the test's: local-aws-sqs keeps delays, visibility timeouts and retention with
// setTimeout and Date.now, so this process installs fake timers that run at real speed and
// jump forward when the parent says so. The parent sends { type: "advance", ms, seq } and gets
// { type: "advanced", seq } once due timers have run, and { type: "next", seq } to learn when
// the next message timer runs.
const FakeTimers = require("@sinonjs/fake-timers");

// The parent's clock is real time plus an offset that only grows. This process keeps the same:
// its faked clock is moved to real time plus the offset every few milliseconds by a real
// interval (fake-timers' own shouldAdvanceTime adds a fixed step per tick and falls behind
// under load), and a jump adds to the offset.
const realNow = Date.now;
const realSetInterval = require("node:timers").setInterval;
let offset = Number(process.env.FERRY_SQS_OFFSET_MS || 0);
const clock = FakeTimers.install({
  now: realNow() + offset,
  toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
});
const catchUp = () => {
  const behind = realNow() + offset - clock.now;
  if (behind > 0) clock.tick(behind);
};
realSetInterval(catchUp, 2);

const { readFileSync } = require("node:fs");
const Module = require("node:module");

/**
 * local-aws-sqs, with its receive loop brought closer to SQS (checked against the pinned 2.0.2
 * source: loading refuses if a patched spot is not found exactly once):
 * - FIFO group lock: it handed out a FIFO message even while an earlier message of its group was
 *   in flight; real SQS does not ("no more messages for the same message group ID are returned
 *   unless you delete the message or it becomes visible"), and the bed's ordering tests rely on it.
 * - Deduplication: it only recognized a deduplication id while that message was still queued;
 *   real SQS remembers it for five minutes after the send, also once the message was deleted.
 * - A receive returns as soon as a scan found messages, as SQS does, instead of waiting out its
 *   40 ms window unless the batch was full; an empty short poll lasts 12 ms, scanned every 2 ms.
 *   Timing only: it keeps the bed fast, and nothing depends on those 40 ms.
 */
function loadPatchedSqs() {
  const path = require.resolve("local-aws-sqs");
  let source = readFileSync(path, "utf8");
  const patch = (from, to) => {
    if (source.split(from).length !== 2) throw new Error(`local-aws-sqs changed: cannot patch ${JSON.stringify(from)}`);
    source = source.replace(from, to);
  };
  patch("for(let y of S(this,E))if(!y.delayed){if(y.visible){", "for(let y of S(this,E))if(!y.delayed){if(y.visible&&globalThis.__ferryGroupFree(this,S(this,E),y,r)){");
  patch("}},10),c.unref(),yield a", "};r.length>0&&(clearInterval(c),clearTimeout(n),o())},2),c.unref(),yield a");
  patch("fr=40,", "fr=12,");
  patch(
    'm(this,Ye,(t,e)=>this.DeduplicationScope=="queue"?S(this,E).find(i=>i.record.attributes.MessageDeduplicationId==e):S(this,E).find(i=>i.record.attributes.MessageGroupId==t&&i.record.attributes.MessageDeduplicationId==e));',
    'm(this,Ye,(t,e)=>(this.DeduplicationScope=="queue"?S(this,E).find(i=>i.record.attributes.MessageDeduplicationId==e):S(this,E).find(i=>i.record.attributes.MessageGroupId==t&&i.record.attributes.MessageDeduplicationId==e))||globalThis.__ferryRecall(this,t,e));',
  );
  patch('h(this,"newRecord",(t,e)=>{let i={visible:!0,record:t,delayed:!0},', 'h(this,"newRecord",(t,e)=>{globalThis.__ferryRemember(this,t);let i={visible:!0,record:t,delayed:!0},');
  const compiled = new Module(path, module);
  compiled.filename = path;
  compiled.paths = Module._nodeModulePaths(require("node:path").dirname(path));
  compiled._compile(source, path);
  return compiled.exports;
}

/** SQS FIFO remembers a deduplication id for five minutes after the message was sent, even once deleted. */
const DEDUP_WINDOW_MS = 5 * 60 * 1000;
const remembered = new WeakMap();

/** Notes a FIFO message's deduplication id as it is accepted. */
globalThis.__ferryRemember = (queue, record) => {
  const id = record.attributes.MessageDeduplicationId;
  if (!queue.FifoQueue || id === undefined) return;
  if (!remembered.has(queue)) remembered.set(queue, new Map());
  const key = queue.DeduplicationScope === "queue" ? id : `${record.attributes.MessageGroupId}\u0000${id}`;
  remembered.get(queue).set(key, { until: Date.now() + DEDUP_WINDOW_MS, record: { MessageId: record.MessageId, attributes: { SequenceNumber: record.attributes.SequenceNumber } } });
};

/** A message sent within the window under this deduplication id and already deleted: the send is accepted and dropped. */
globalThis.__ferryRecall = (queue, group, id) => {
  const key = queue.DeduplicationScope === "queue" ? id : `${group}\u0000${id}`;
  const entry = remembered.get(queue)?.get(key);
  return entry && entry.until > Date.now() ? { record: entry.record } : undefined;
};

/** May `candidate` be handed out now? Not while another message of its FIFO group is in flight (invisible and not taken by this very receive). */
globalThis.__ferryGroupFree = (queue, messages, candidate, taken) => {
  if (!queue.FifoQueue) return true;
  const group = candidate.record.attributes.MessageGroupId;
  const takenIds = new Set(taken.map((m) => m.record.MessageId));
  return !messages.some((m) => m !== candidate && !m.visible && m.record.attributes.MessageGroupId === group && !takenIds.has(m.record.MessageId));
};

const { createSqsServer } = loadPatchedSqs();

async function main() {
  const server = await createSqsServer({ port: 0, hostname: "127.0.0.1", emulateQueueCreationLifecycle: false });
  process.on("message", async (message) => {
    if (message && message.type === "advance") {
      offset += message.ms;
      catchUp();
      process.send({ type: "advanced", seq: message.seq });
    }
    if (message && message.type === "next") {
      // The server's next message timer (a delay ending, a visibility timeout, a retention
      // expiry): the bed jumps straight there instead of stepping. SQS counts those in whole
      // seconds; the server's other timers (receive loops and their 40 ms deadlines) come and
      // go with requests and are left out.
      let at;
      for (const timer of clock.timers ? clock.timers.values() : []) {
        const wholeSeconds = (timer.callAt - timer.createdAt) % 1000 === 0 && timer.callAt > timer.createdAt;
        if (!timer.interval && wholeSeconds && timer.callAt > clock.now && (at === undefined || timer.callAt < at)) at = timer.callAt;
      }
      process.send({ type: "advanced", seq: message.seq, at });
    }
  });
  process.send({ type: "ready", port: server.address().port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
