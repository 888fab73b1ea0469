import { validationError } from "./http";
import { ExpressionError, isTimeZone, parseExpression, type ParsedExpression } from "./expressions";

/**
 * Request validation of the EventBridge Scheduler emulator: the documented constraints of
 * CreateSchedule/UpdateSchedule, answered with a ValidationException as AWS does. The SDK
 * validates nothing client-side, so this is where a bad request is caught offline.
 */

/** Schedule and group names: 1-64 characters of `[0-9a-zA-Z-_.]`. */
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/** Throws a ValidationException unless `value` is a valid schedule or group name. */
export function checkName(value: unknown, what: string): string {
  if (typeof value !== "string" || !NAME.test(value)) throw validationError(`${what} ${JSON.stringify(value)} must be 1-64 characters of [0-9a-zA-Z-_.]`);
  return value;
}

/** A schedule's target as stored; Input keeps its context-attribute placeholders until a firing. */
export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  /** Target parameters the emulator stores and returns but does not act on (EcsParameters, ...). */
  [other: string]: unknown;
}

/** Everything a CreateSchedule/UpdateSchedule request defines, validated and defaulted. */
export interface ScheduleDefinition {
  expression: string;
  parsed: ParsedExpression;
  /** As given; evaluation uses `UTC` when absent. */
  timezone?: string;
  flexibleTimeWindow: { Mode: "OFF" | "FLEXIBLE"; MaximumWindowInMinutes?: number };
  target: ScheduleTarget;
  state: "ENABLED" | "DISABLED";
  actionAfterCompletion: "NONE" | "DELETE";
  /** Epoch ms. */
  startDate?: number;
  endDate?: number;
  description?: string;
  kmsKeyArn?: string;
}

function optionalString(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length < 1 || value.length > max) throw validationError(`${key} must be a string of 1-${max} characters`);
  return value;
}

function optionalInteger(record: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw validationError(`${key} must be an integer from ${min} to ${max}`);
  return value;
}

/** Timestamps travel as epoch seconds in Scheduler's JSON (the SDK's default for REST-JSON). */
function optionalDate(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw validationError(`${key} must be a timestamp`);
  return ms;
}

function oneOf<T extends string>(body: Record<string, unknown>, key: string, values: readonly T[], fallback: T): T {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string" || !(values as readonly string[]).includes(value)) throw validationError(`${key} must be one of ${values.join(", ")}`);
  return value as T;
}

function object(value: unknown, key: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw validationError(`${key} is required`);
  return value as Record<string, unknown>;
}

/** Validates the body of CreateSchedule or UpdateSchedule (both take the same members). */
export function parseScheduleRequest(body: Record<string, unknown>): ScheduleDefinition {
  const expression = body.ScheduleExpression;
  if (typeof expression !== "string" || expression.length < 1 || expression.length > 256) throw validationError("ScheduleExpression must be a string of 1-256 characters");
  const timezone = optionalString(body, "ScheduleExpressionTimezone", 50);
  if (timezone !== undefined && !isTimeZone(timezone)) throw validationError(`ScheduleExpressionTimezone ${timezone} is not a valid time zone`);
  let parsed: ParsedExpression;
  try {
    parsed = parseExpression(expression, timezone ?? "UTC");
  } catch (error) {
    if (error instanceof ExpressionError) throw validationError(error.message);
    throw error;
  }

  const window = object(body.FlexibleTimeWindow, "FlexibleTimeWindow");
  const mode = oneOf(window, "Mode", ["OFF", "FLEXIBLE"] as const, "OFF");
  if (window.Mode === undefined) throw validationError("FlexibleTimeWindow.Mode is required");
  const maximum = optionalInteger(window, "MaximumWindowInMinutes", 1, 1440);
  if (mode === "FLEXIBLE" && maximum === undefined) throw validationError("FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE");
  const flexibleTimeWindow: ScheduleDefinition["flexibleTimeWindow"] = maximum === undefined ? { Mode: mode } : { Mode: mode, MaximumWindowInMinutes: maximum };

  const target = { ...object(body.Target, "Target") };
  if (typeof target.Arn !== "string" || target.Arn.length < 1 || target.Arn.length > 1600) throw validationError("Target.Arn is required (1-1600 characters)");
  if (typeof target.RoleArn !== "string" || target.RoleArn.length < 1 || target.RoleArn.length > 1600) throw validationError("Target.RoleArn is required (1-1600 characters)");
  if (target.Input !== undefined && (typeof target.Input !== "string" || target.Input.length < 1 || target.Input.length > 8192)) throw validationError("Target.Input must be a string of 1-8192 characters");
  if (target.RetryPolicy !== undefined) {
    const retry = object(target.RetryPolicy, "Target.RetryPolicy");
    optionalInteger(retry, "MaximumEventAgeInSeconds", 60, 86400);
    optionalInteger(retry, "MaximumRetryAttempts", 0, 185);
  }

  const startDate = optionalDate(body, "StartDate");
  const endDate = optionalDate(body, "EndDate");
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) throw validationError("EndDate must be after StartDate");

  const definition: ScheduleDefinition = {
    expression,
    parsed,
    flexibleTimeWindow,
    target: target as ScheduleTarget,
    state: oneOf(body, "State", ["ENABLED", "DISABLED"] as const, "ENABLED"),
    actionAfterCompletion: oneOf(body, "ActionAfterCompletion", ["NONE", "DELETE"] as const, "NONE"),
  };
  if (timezone !== undefined) definition.timezone = timezone;
  if (startDate !== undefined) definition.startDate = startDate;
  if (endDate !== undefined) definition.endDate = endDate;
  const description = optionalString(body, "Description", 512);
  if (description !== undefined) definition.description = description;
  const kmsKeyArn = optionalString(body, "KmsKeyArn", 2048);
  if (kmsKeyArn !== undefined) definition.kmsKeyArn = kmsKeyArn;
  return definition;
}
