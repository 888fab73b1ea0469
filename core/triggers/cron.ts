import { CronExpressionParser } from "cron-parser";
import { ValidationError } from "../errors";

/**
 * Cron schedules. Accepts standard 5-field (and 6-field with seconds) expressions and an
 * optional `TZ=Area/City ` prefix, as Inngest does; times are UTC unless a zone is given.
 */
export function cronParts(cron: string): { expression: string; tz: string } {
  const match = /^\s*(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(cron);
  return match ? { tz: match[1] ?? "UTC", expression: match[2] ?? "" } : { tz: "UTC", expression: cron.trim() };
}

/** Throws ValidationError naming `field` when the expression is not a valid schedule. */
export function validateCron(cron: string, field = "cron"): void {
  const { expression, tz } = cronParts(cron);
  try {
    CronExpressionParser.parse(expression, { tz, currentDate: new Date(0) });
  } catch (error) {
    throw new ValidationError(`${field}: invalid cron expression ${JSON.stringify(cron)}: ${(error as Error).message}`, field);
  }
}

/** The first fire time strictly after `after` (epoch ms). */
export function nextCronTime(cron: string, after: number): number {
  const { expression, tz } = cronParts(cron);
  return CronExpressionParser.parse(expression, { tz, currentDate: new Date(after) }).next().getTime();
}
