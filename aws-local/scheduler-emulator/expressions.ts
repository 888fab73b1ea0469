import { CronExpressionParser, type CronExpression } from "cron-parser";

/**
 * Schedule expressions of the EventBridge Scheduler emulator: `at()`, `rate()` and `cron()`,
 * evaluated in an IANA time zone with `Intl` (no time-zone dependency).
 *
 * Every expression yields "points": the nominal instants at which the schedule is meant to run
 * (epoch ms, whole seconds). When a point actually fires is the emulator's business (see
 * `dueAt` in scheduler-emulator.ts), not this module's.
 */

/** A schedule expression AWS would refuse; the emulator answers it with a ValidationException. */
export class ExpressionError extends Error {}

/** A parsed schedule expression. */
export type ParsedExpression =
  | { kind: "at"; at: number }
  | { kind: "rate"; periodMs: number }
  | { kind: "cron"; fields: string; years: (year: number) => number | undefined; tz: string; minutes: number[]; hours: number[]; cursor?: { iterator: CronExpression; last: number } };

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE, minutes: MINUTE, hour: 60 * MINUTE, hours: 60 * MINUTE, day: 1440 * MINUTE, days: 1440 * MINUTE };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, format);
  }
  return format;
}

/** True when `Intl` knows the zone (what AWS checks against the IANA database). */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `tz` at instant `ms`, as if that wall clock were UTC (epoch ms, whole seconds). */
export function wallClock(ms: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** How far `tz`'s wall clock is ahead of UTC at instant `ms`. */
function offsetAt(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClock(whole, tz) - whole;
}

/**
 * The instant at which `tz`'s wall clock reads `wall` (a wall-clock time written as if it were
 * UTC). A wall time that happens twice (clocks going back) maps to its first occurrence, as
 * AWS runs such a time once. A wall time that never happens (clocks going forward) maps to
 * the instant the same distance past the jump (02:30 in a 02:00→03:00 gap is 03:30): AWS does
 * not document this case for `at()`, and firing late beats never firing.
 */
export function zonedToUtc(wall: number, tz: string): number {
  const DAY = 86_400_000;
  const before = offsetAt(wall - DAY, tz);
  const after = offsetAt(wall + DAY, tz);
  const valid = [...new Set([before, after])].map((offset) => wall - offset).filter((t) => wallClock(t, tz) === wall);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before;
}

/** `2026-01-01T10:00:00Z`: ISO 8601 in UTC to the second, as Scheduler writes `<aws.scheduler.scheduled-time>`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE = /^rate\((\d+) (minutes?|hours?|days?)\)$/;
const CRON = /^cron\((.*)\)$/;

/**
 * Parses a ScheduleExpression in time zone `tz` (already validated). Throws `ExpressionError`
 * naming what is wrong.
 *
 * - `at(yyyy-mm-ddThh:mm:ss)`: exactly that form, no zone suffix, no fractions; the wall-clock
 *   time is read in `tz`.
 * - `rate(n unit)`: n ≥ 1, unit minute(s)/hour(s)/day(s); singular or plural accepted for any n
 *   (parsed loosely). A day is 24 hours, as AWS documents for rate schedules across DST.
 * - `cron(min hour day-of-month month day-of-week year)`: six fields; exactly one of
 *   day-of-month and day-of-week must be `?`; day-of-week numbers are AWS's 1-7 = SUN-SAT.
 */
export function parseExpression(expression: string, tz: string): ParsedExpression {
  const at = AT.exec(expression);
  if (at) return { kind: "at", at: parseAt(at.slice(1).map(Number), tz, expression) };
  if (expression.startsWith("at(")) throw new ExpressionError(`invalid at() expression ${expression}: expected at(yyyy-mm-ddThh:mm:ss)`);
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (!Number.isSafeInteger(value) || value < 1) throw new ExpressionError(`invalid rate() expression ${expression}: the value must be a positive integer`);
    return { kind: "rate", periodMs: value * (UNIT_MS[rate[2] ?? ""] ?? MINUTE) };
  }
  if (expression.startsWith("rate(")) throw new ExpressionError(`invalid rate() expression ${expression}: expected rate(value minutes|hours|days)`);
  const cron = CRON.exec(expression);
  if (cron) return parseCron(cron[1] ?? "", tz, expression);
  throw new ExpressionError(`invalid schedule expression ${expression}: expected at(...), rate(...) or cron(...)`);
}

function parseAt([year, month, day, hour, minute, second]: number[], tz: string, expression: string): number {
  const wall = Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0, hour ?? 0, minute ?? 0, second ?? 0);
  const back = new Date(wall);
  // Date.UTC rolls 2026-02-30 over into March: a field that does not survive the round trip was out of range.
  const fits = back.getUTCFullYear() === year && back.getUTCMonth() + 1 === month && back.getUTCDate() === day && back.getUTCHours() === hour && back.getUTCMinutes() === minute && back.getUTCSeconds() === second;
  if (!fits) throw new ExpressionError(`invalid at() expression ${expression}: not a calendar date and time`);
  return zonedToUtc(wall, tz);
}

function parseCron(body: string, tz: string, expression: string): ParsedExpression {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new ExpressionError(`invalid cron() expression ${expression}: expected 6 fields (minutes hours day-of-month month day-of-week year)`);
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === "?") === (dow === "?")) throw new ExpressionError(`invalid cron() expression ${expression}: exactly one of day-of-month and day-of-week must be ?`);
  // cron-parser counts days of the week 0-6 from Sunday; AWS counts 1-7 from Sunday.
  const weekday = dow === "?" ? "*" : dow.replace(/(^|[,-])(\d+)/g, (_m, lead: string, n: string) => `${lead}${Number(n) - 1}`);
  const spec = `0 ${minute} ${hour} ${dom === "?" ? "*" : dom} ${month} ${weekday}`;
  let parsed: CronExpression;
  try {
    parsed = CronExpressionParser.parse(spec, { tz, currentDate: new Date(0) });
  } catch (error) {
    throw new ExpressionError(`invalid cron() expression ${expression}: ${(error as Error).message}`);
  }
  return {
    kind: "cron",
    fields: spec,
    years: parseYears(year, expression),
    tz,
    minutes: parsed.fields.minute.values.map(Number),
    hours: parsed.fields.hour.values.map(Number),
  };
}

/** The year field, as "the first allowed year at or after y" (undefined: none left). */
function parseYears(field: string, expression: string): (year: number) => number | undefined {
  const allowed = new Set<number>();
  const MIN = 1970;
  const MAX = 2199;
  for (const item of field.split(",")) {
    const match = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item);
    if (!match) throw new ExpressionError(`invalid cron() expression ${expression}: bad year field ${field}`);
    const from = match[1] === "*" ? MIN : Number(match[1]);
    const to = match[2] !== undefined ? Number(match[2]) : match[1] === "*" || match[3] !== undefined ? MAX : from;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (from < MIN || to > MAX || from > to || step < 1) throw new ExpressionError(`invalid cron() expression ${expression}: year out of range in ${field}`);
    for (let year = from; year <= to; year += step) allowed.add(year);
  }
  const sorted = [...allowed].sort((a, b) => a - b);
  return (year) => sorted.find((y) => y >= year);
}

/**
 * The first point of `expression` strictly after `after` (epoch ms), or undefined when there is
 * none. `anchor` is where a rate schedule counts from (its StartDate, or when it was written).
 */
export function pointAfter(expression: ParsedExpression, after: number, anchor: number): number | undefined {
  switch (expression.kind) {
    case "at":
      return expression.at > after ? expression.at : undefined;
    case "rate": {
      if (anchor > after) return anchor;
      return anchor + (Math.floor((after - anchor) / expression.periodMs) + 1) * expression.periodMs;
    }
    case "cron":
      return nextCron(expression, after);
  }
}

function nextCron(expression: Extract<ParsedExpression, { kind: "cron" }>, after: number): number | undefined {
  let from = after;
  for (let guard = 0; guard < 10_000; guard++) {
    // Walking a schedule point by point (a clock jump over many points) reuses the iterator: parsing is the slow part.
    const cursor = expression.cursor?.last === from ? expression.cursor : { iterator: CronExpressionParser.parse(expression.fields, { tz: expression.tz, currentDate: new Date(from) }), last: from };
    const point = cursor.iterator.next().getTime();
    cursor.last = point;
    expression.cursor = cursor;
    const wall = new Date(wallClock(point, expression.tz));
    const year = wall.getUTCFullYear();
    const allowed = expression.years(year);
    if (allowed === undefined) return undefined;
    if (allowed !== year) {
      // Jump straight to the next allowed year instead of walking through the years in between.
      from = zonedToUtc(Date.UTC(allowed, 0, 1), expression.tz) - 1;
      continue;
    }
    // cron-parser moves a time skipped by a DST jump (02:30 on a 02:00→03:00 night) to after the
    // jump; AWS skips that invocation, so a point whose wall clock does not match is dropped.
    if (!expression.hours.includes(wall.getUTCHours()) || !expression.minutes.includes(wall.getUTCMinutes())) {
      from = point;
      continue;
    }
    return point;
  }
  return undefined;
}
