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
 * local-aws-sqs hands out a FIFO message even while an earlier message of its group is in flight;
 * real SQS does not: "no more messages for the same message group ID are returned unless you
 * delete the message or it becomes visible". The bed's ordering tests depend on that rule, so
 * its receive loop gets this one extra condition (checked against the pinned 2.0.2 source: the
 * patch refuses to load if the loop it hooks into is not found).
 */
function loadPatchedSqs() {
  const path = require.resolve("local-aws-sqs");
  const source = readFileSync(path, "utf8");
  const loop = "for(let y of S(this,E))if(!y.delayed){if(y.visible){";
  if (source.split(loop).length !== 2) throw new Error("local-aws-sqs changed: cannot add the FIFO group lock to its receive loop");
  const patched = source.replace(loop, "for(let y of S(this,E))if(!y.delayed){if(y.visible&&globalThis.__ferryGroupFree(this,S(this,E),y,r)){");
  const compiled = new Module(path, module);
  compiled.filename = path;
  compiled.paths = Module._nodeModulePaths(require("node:path").dirname(path));
  compiled._compile(patched, path);
  return compiled.exports;
}

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
