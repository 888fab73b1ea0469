// The SQS server of the AWS test bed, in a process of its own so that its clock can be faked
// without touching the test's: local-aws-sqs keeps delays, visibility timeouts and retention with
// setTimeout and Date.now, so this process installs fake timers that run at real speed
// (shouldAdvanceTime) and jump forward when the parent says so. The parent sends
// { type: "advance", ms, seq } and gets { type: "advanced", seq } once due timers have run.
const FakeTimers = require("@sinonjs/fake-timers");

// The parent's clock is real time plus an offset; starting from the same offset (not from a
// start time, which process start-up would make stale) keeps the two within milliseconds.
const offset = Number(process.env.FERRY_SQS_OFFSET_MS || 0);
const clock = FakeTimers.install({
  now: Date.now() + offset,
  toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  shouldAdvanceTime: true,
  advanceTimeDelta: 5,
});

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
      await clock.tickAsync(message.ms);
      process.send({ type: "advanced", seq: message.seq });
    }
  });
  process.send({ type: "ready", port: server.address().port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
