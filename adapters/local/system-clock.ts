import type { AlarmClock } from "../../core";

/** setTimeout's longest delay; longer waits are chained so a 30-day sleep does not fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The real clock. Alarms are unref'd timers: a pending wake-up never keeps the process alive on
 * its own (the dev server's HTTP listener does that).
 */
export class SystemClock implements AlarmClock {
  now(): number {
    return Date.now();
  }

  setAlarm(at: number, callback: () => void): () => void {
    let timer: NodeJS.Timeout;
    // Always through a timer, even when already due, so callers can store the canceller first;
    // re-armed while the target is beyond one timeout's reach.
    const arm = () => {
      timer = setTimeout(() => (Date.now() >= at ? callback() : arm()), Math.min(Math.max(0, at - Date.now()), MAX_TIMEOUT_MS));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  }
}
