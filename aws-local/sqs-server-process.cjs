// The SQS server of the AWS test bed, in a process of its own so that its clock can be faked
// without touching the test's: local-aws-sqs keeps delays, visibility timeouts and retention with
// setTimeout and Date.now, so this process installs fake timers that run at real speed and
// jump forward when the parent says so. The parent sends { type: "advance", ms, seq } and gets
// { type: "advanced", seq } once due timers have run, and { type: "next", seq } to learn when
// the next message timer runs. With a state file (FERRY_SQS_STATE_FILE) it also keeps the queues'
// messages there: { type: "persist", seq } switches saving on, { type: "save", seq } saves now,
// both answered by { type: "saved", seq, error? }.
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

const { readFileSync, renameSync, writeFileSync } = require("node:fs");
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
 * - State file: each queue that gets a message is registered with a getter of its message list,
 *   and each message notes when its delay ends, so the queues can be saved and restored.
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
  // For the state file: the queue's live message list (a getter, as purges assign a new array)
  // and when each message's delay ends, which the library keeps only inside its timer.
  patch("r=(isNaN(e)?this.DelaySeconds:e)*1e3;return S(this,E).push(i),", "r=(isNaN(e)?this.DelaySeconds:e)*1e3;i.delayUntil=Date.now()+r,globalThis.__ferryTrack(this,()=>S(this,E));return S(this,E).push(i),");
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

/** Queues that ever got a message, by name: the queue and a getter of its live message list. */
const tracked = new Map();

/** Registers a queue as its messages arrive, so the state file can list them. */
globalThis.__ferryTrack = (queue, messages) => {
  if (tracked.get(queue.QueueName)?.queue !== queue) tracked.set(queue.QueueName, { queue, messages });
};

const { createSqsServer } = loadPatchedSqs();

// The state file (FERRY_SQS_STATE_FILE, optional) keeps every queue's messages across restarts.
// Nothing is written until the parent says "persist", after it re-sent the saved messages: an
// earlier snapshot of the still empty server would overwrite them.
const stateFile = process.env.FERRY_SQS_STATE_FILE || undefined;
const SAVE_EVERY_MS = 200;
let persisting = false;
let lastMembership;
let lastWritten;

/** Is the queue still on the server (not deleted)? */
const isLive = (queue) => !queue.service?.Queues || queue.service.Queues.includes(queue);

/**
 * Who is in each queue, cheaply: the library only appends and removes messages (a purge assigns
 * a new list), so a list's identity, length or last id changes whenever its membership does.
 */
function membership() {
  return [...tracked.values()].flatMap(({ queue, messages }) => {
    const list = messages();
    return [queue, list, list.length, list.at(-1)?.record.MessageId, isLive(queue)];
  });
}

/**
 * Every live queue's messages in order, as the parent's restore re-sends them. In-flight messages
 * are included (they come back visible); a delayed one keeps when its delay ends (epoch ms on
 * this server's clock), so time spent stopped counts toward it, as it would on SQS, and the
 * snapshot does not change while a delay runs down.
 */
function snapshot() {
  const queues = {};
  for (const [name, { queue, messages }] of tracked) {
    if (!isLive(queue)) continue;
    const list = messages();
    if (list.length === 0) continue;
    queues[name] = list.map((message) => {
      const { record } = message;
      const saved = { body: record.MessageBody };
      if (record.attributes.MessageGroupId !== undefined) saved.groupId = record.attributes.MessageGroupId;
      if (record.attributes.MessageDeduplicationId !== undefined) saved.deduplicationId = record.attributes.MessageDeduplicationId;
      if (record.MessageAttributes && Object.keys(record.MessageAttributes).length > 0) saved.attributes = record.MessageAttributes;
      if (message.delayed && message.delayUntil !== undefined && message.delayUntil > Date.now()) saved.delayUntil = message.delayUntil;
      return saved;
    });
  }
  return JSON.stringify({ version: 1, queues });
}

/** Writes the snapshot if it changed since the last write; through a temporary file, so a kill never leaves half a file. */
function save() {
  if (!stateFile || !persisting) return;
  const text = snapshot();
  if (text === lastWritten) return;
  writeFileSync(`${stateFile}.tmp`, text);
  renameSync(`${stateFile}.tmp`, stateFile);
  lastWritten = text;
}

/** The periodic save: builds no snapshot while membership is unchanged. */
function saveIfChanged() {
  const now = membership();
  const same = lastMembership !== undefined && lastMembership.length === now.length && lastMembership.every((part, i) => part === now[i]);
  if (same) return;
  lastMembership = now;
  try {
    save();
  } catch (error) {
    console.error(`ferry: cannot save the SQS state to ${stateFile}:`, error);
  }
}

async function main() {
  const server = await createSqsServer({ port: 0, hostname: "127.0.0.1", emulateQueueCreationLifecycle: false });
  process.on("message", async (message) => {
    if (message && message.type === "advance") {
      offset += message.ms;
      catchUp();
      process.send({ type: "advanced", seq: message.seq });
    }
    if (message && (message.type === "persist" || message.type === "save")) {
      if (message.type === "persist" && stateFile && !persisting) {
        persisting = true;
        realSetInterval(saveIfChanged, SAVE_EVERY_MS).unref();
      }
      let error;
      try {
        save();
      } catch (caught) {
        error = String(caught && caught.message ? caught.message : caught);
      }
      process.send({ type: "saved", seq: message.seq, error });
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
  // The parent is gone (it died, or closed without killing): save what is there and leave, rather
  // than serve on with nobody to stop this process.
  process.on("disconnect", () => {
    try {
      save();
    } catch (error) {
      console.error(`ferry: cannot save the SQS state to ${stateFile}:`, error);
    }
    process.exit(0);
  });
  process.send({ type: "ready", port: server.address().port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
