import type { AlarmClock } from "../ports/clock";

/**
 * A clock that only moves when told to. Tests (and `ferry dev --virtual-clock`) use it to
 * cross a 7-day wait in an instant: `advance()` moves time and fires every alarm now due.
 *
 * @example
 * const clock = new VirtualClock(Date.parse("2026-01-01T00:00:00Z"));
 * clock.setAlarm(clock.now() + 5 * 60_000, () => console.log("five minutes later"));
 * clock.advance(5 * 60_000);
 */
export class VirtualClock implements AlarmClock {
  private current: number;
  private readonly alarms = new Map<number, { at: number; callback: () => void }>();
  private nextAlarmId = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setAlarm(at: number, callback: () => void): () => void {
    const id = this.nextAlarmId++;
    this.alarms.set(id, { at, callback });
    if (at <= this.current) queueMicrotask(() => this.fireDue());
    return () => this.alarms.delete(id);
  }

  /** Moves time forward by `ms` and fires the alarms that came due, earliest first. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    this.current += ms;
    this.fireDue();
  }

  /** Moves time to `at` (never backwards). */
  setTime(at: number): void {
    this.advance(Math.max(0, at - this.current));
  }

  private fireDue(): void {
    const due = [...this.alarms.entries()].filter(([, alarm]) => alarm.at <= this.current).sort((a, b) => a[1].at - b[1].at);
    for (const [id, alarm] of due) {
      this.alarms.delete(id);
      alarm.callback();
    }
  }
}
