import type { AlarmClock } from "../core";

/** Something in the test bed that keeps time of its own and must jump with the bed (the SQS server, the Scheduler emulator). */
export type JumpListener = (ms: number) => Promise<void> | void;

/**
 * The AWS test bed's clock: real time plus an offset that only grows. Time passes on its own, as
 * it does for real services (polling, visibility timeouts), and `advance` jumps it forward so a
 * 40-second SQS delay or a 3-day schedule is crossed in an instant. Every time-keeping part of the
 * bed (the SQS server process, the Scheduler emulator, the engine) reads this clock or is told
 * of each jump, so they agree on "now" to within milliseconds.
 *
 * @example
 * const clock = new BedClock(Date.parse("2026-01-01T00:00:00Z"));
 * clock.onJump((ms) => sqs.advance(ms));
 * await clock.advance(40_000);
 */
export class BedClock implements AlarmClock {
  private offset: number;
  private landed: number;
  private readonly listeners: JumpListener[] = [];
  private readonly deliverers: JumpListener[] = [];
  private readonly alarms = new Set<{ at: number; callback: () => void; timer?: NodeJS.Timeout }>();

  constructor(start?: number) {
    this.offset = start === undefined ? 0 : start - Date.now();
    this.landed = this.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  /**
   * Where the last jump landed (or the start, before any): the clock less the real time it ran
   * on its own since. A test judges lateness by it, so a stall of a loaded machine is not taken
   * for a late delivery while a jump past a delivery's due time still is.
   */
  landing(): number {
    return this.landed;
  }

  setAlarm(at: number, callback: () => void): () => void {
    const alarm: { at: number; callback: () => void; timer?: NodeJS.Timeout } = { at, callback };
    this.alarms.add(alarm);
    this.arm(alarm);
    return () => {
      clearTimeout(alarm.timer);
      this.alarms.delete(alarm);
    };
  }

  /**
   * Calls `listener` with every jump, before `advance` resolves. A listener that delivers what
   * fell due (an SQS server releasing delayed messages, Scheduler firing) registers as
   * `"delivers"`: those run after every other listener, so each process that keeps time has the
   * new time before anything due reaches it.
   */
  onJump(listener: JumpListener, role: "follows" | "delivers" = "follows"): void {
    (role === "delivers" ? this.deliverers : this.listeners).push(listener);
  }

  /** Jumps time forward by `ms`: alarms now due fire, and every listener has jumped too when this resolves. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    this.offset += ms;
    this.landed = this.now();
    for (const listener of [...this.listeners, ...this.deliverers]) await listener(ms);
    for (const alarm of [...this.alarms]) {
      clearTimeout(alarm.timer);
      this.arm(alarm);
    }
  }

  /** Jumps to `at` (never backwards). */
  advanceTo(at: number): Promise<void> {
    return this.advance(Math.max(0, at - this.now()));
  }

  private arm(alarm: { at: number; callback: () => void; timer?: NodeJS.Timeout }): void {
    alarm.timer = setTimeout(() => {
      if (this.now() < alarm.at) return this.arm(alarm);
      this.alarms.delete(alarm);
      alarm.callback();
    }, Math.max(0, Math.min(alarm.at - this.now(), 2 ** 31 - 1)));
    alarm.timer.unref();
  }
}
