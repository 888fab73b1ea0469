import { stableHash } from "../../../core";

/** EventBridge Scheduler's rule for schedule names. */
const SCHEDULE_NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

/** The schedule name of a timer: its id when Scheduler accepts it as a name, else a hash of it. */
export function scheduleName(timerId: string): string {
  return SCHEDULE_NAME.test(timerId) ? timerId : `t.${stableHash([timerId], 40)}`;
}

/**
 * A one-time schedule expression for a moment, in UTC (`at(yyyy-mm-ddThh:mm:ss)`, paired with
 * `ScheduleExpressionTimezone: "UTC"`). Scheduler fires to the minute, so seconds are dropped:
 * callers fire early and hand the rest over to an SQS delay.
 */
export function atExpression(ms: number): string {
  const minute = Math.floor(ms / 60_000) * 60_000;
  return `at(${new Date(minute).toISOString().slice(0, 19)})`;
}
