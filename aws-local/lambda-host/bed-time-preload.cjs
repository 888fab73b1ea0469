// Preloaded (`node --require`) into every child process of the production-path bed: the Lambda
// hosts and the user apps. Their clock reads the bed's time (real time plus an offset that only
// grows), so a handler stamping a record, the SQS server and an app checking a request's
// signature age all agree while the bed jumps across a 3-day sleep. The parent sends each new
// offset over IPC and waits for the acknowledgement before it lets anything run on.
"use strict";

const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = Number(process.env.FERRY_BED_OFFSET_MS || "0");

class BedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset);
    else super(...args);
  }
  static now() {
    return realNow() + offset;
  }
}
globalThis.Date = BedDate;

if (process.send) {
  process.on("message", (message) => {
    if (message && message.type === "bed-offset") {
      offset = Math.max(offset, Number(message.offset));
      process.send({ type: "bed-offset-set", seq: message.seq });
    }
  });
}
