import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { BedClock } from "../bed-clock";

/** The preload (`node --require`) that makes a child process read the bed's clock. */
export const BED_TIME_PRELOAD = join(__dirname, "bed-time-preload.cjs");

/** The environment a child starts with so its clock reads the bed's time from its first line. */
export function bedTimeEnv(clock: BedClock): Record<string, string> {
  return { FERRY_BED_OFFSET_MS: String(clock.now() - Date.now()) };
}

let seq = 0;

/** Tells a child the bed's time after a jump, and resolves once it has taken it (or has exited). */
export function tellBedTime(child: ChildProcess | undefined, clock: BedClock): Promise<void> {
  if (!child || child.exitCode !== null || !child.connected) return Promise.resolve();
  const id = ++seq;
  return new Promise<void>((resolve) => {
    const done = () => {
      child.off("message", onMessage);
      child.off("exit", done);
      resolve();
    };
    const onMessage = (message: { type?: string; seq?: number }) => {
      if (message.type === "bed-offset-set" && message.seq === id) done();
    };
    child.on("message", onMessage);
    child.once("exit", done);
    child.send({ type: "bed-offset", seq: id, offset: clock.now() - Date.now() });
  });
}
