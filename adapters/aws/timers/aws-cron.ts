import { cronParts } from "../../../core";

/** An EventBridge Scheduler cron schedule: `cron(minutes hours day-of-month month day-of-week year)` in a time zone. */
export interface AwsCron {
  expression: string;
  timezone: string;
}

/** Minutes, hours and day-of-month: numbers, lists, ranges and steps only, as Scheduler reads them alike. */
const NUMERIC_FIELD = /^[0-9*,/-]+$/;
/** Months: numbers or JAN-DEC. */
const MONTH_FIELD = /^(?:[0-9*,/-]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i;
const DAY_NAMES = /^(?:SUN|MON|TUE|WED|THU|FRI|SAT)$/i;

/**
 * The Scheduler form of a standard 5-field cron expression (with an optional `TZ=` prefix), or
 * undefined when Scheduler cannot say the same thing: seconds (6 fields), both day-of-month and
 * day-of-week restricted (standard cron fires on either, Scheduler allows only one, with `?` in
 * the other), or day-of-week steps. Day-of-week numbers move from 0-7 (Sunday 0 and 7) to
 * Scheduler's 1-7 (Sunday 1); names stay as they are. Callers fall back to one-time schedules
 * for what this refuses.
 *
 * @example
 * toAwsCron("TZ=Europe/Paris 0 9 * * 1-5"); // { expression: "cron(0 9 ? * 2-6 *)", timezone: "Europe/Paris" }
 */
export function toAwsCron(cron: string): AwsCron | undefined {
  const { expression, tz } = cronParts(cron);
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  // Anything else a cron parser may accept (H, L, W, #, ?) is not passed on: Scheduler reads it otherwise or refuses it.
  if (![minutes, hours, dayOfMonth].every((field) => NUMERIC_FIELD.test(field)) || !MONTH_FIELD.test(month)) return undefined;
  if (dayOfMonth !== "*" && dayOfWeek !== "*") return undefined;
  const awsDayOfWeek = dayOfWeek === "*" ? "?" : convertDaysOfWeek(dayOfWeek);
  if (awsDayOfWeek === undefined) return undefined;
  const awsDayOfMonth = dayOfWeek === "*" ? dayOfMonth : "?";
  return { expression: `cron(${minutes} ${hours} ${awsDayOfMonth} ${month} ${awsDayOfWeek} *)`, timezone: tz };
}

/** Day-of-week lists and ranges, renumbered; undefined for steps or a range that wraps past Saturday. */
function convertDaysOfWeek(field: string): string | undefined {
  const parts = field.split(",").map((part) => {
    if (part.includes("/") || part.includes("*")) return undefined;
    const [from, to] = part.split("-") as [string, string | undefined];
    const a = day(from);
    const b = to === undefined ? a : day(to);
    if (a === undefined || b === undefined) return undefined;
    if (to === undefined) return a;
    // 0-7 style ranges ending on Sunday (7) become a range plus Sunday.
    if (/^\d+$/.test(to) && Number(to) === 7) return Number(from) === 0 ? "1-7" : `${a}-7,1`;
    return Number(b) >= Number(a) || DAY_NAMES.test(from) ? `${a}-${b}` : undefined;
  });
  return parts.includes(undefined) ? undefined : parts.join(",");
}

/** One day: a number 0-7 renumbered to 1-7, or a three-letter name kept. */
function day(value: string): string | undefined {
  if (DAY_NAMES.test(value)) return value.toUpperCase();
  if (!/^\d+$/.test(value) || Number(value) > 7) return undefined;
  return String((Number(value) % 7) + 1);
}
