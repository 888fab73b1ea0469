import { parse } from "@marcbachmann/cel-js";
import { ValidationError } from "../errors";

type Compiled = ReturnType<typeof parse>;

/** Parsed expressions by source text: triggers and waits evaluate the same few expressions constantly. */
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 5000;

/** Parses a CEL expression once and keeps it; throws ValidationError naming `field` on bad syntax. */
export function compileExpression(source: string, field = "expression"): Compiled {
  let compiled = cache.get(source);
  if (compiled) return compiled;
  try {
    compiled = parse(source);
  } catch (error) {
    throw new ValidationError(`${field}: invalid CEL expression ${JSON.stringify(source)}: ${firstLine(error)}`, field, {
      cause: error,
    });
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/**
 * Evaluates a filter. A runtime error (a missing field, a type mismatch) means "no match", as
 * in Inngest: an event without the field simply does not satisfy the filter.
 */
export function matches(source: string, variables: Record<string, unknown>): boolean {
  try {
    return compileExpression(source)(variables) === true;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    return false;
  }
}

/**
 * Evaluates a key expression (concurrency, rate limit, debounce...) to a string. Undefined when
 * the expression fails on this input, so callers can decide what a missing key means.
 */
export function evaluateKey(source: string, variables: Record<string, unknown>): string | undefined {
  try {
    const value: unknown = compileExpression(source)(variables);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "bigint") return value.toString();
    return typeof value === "string" ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    return undefined;
  }
}

/** Evaluates an expression expected to give a number (priority); undefined on error or non-number. */
export function evaluateNumber(source: string, variables: Record<string, unknown>): number | undefined {
  try {
    const value: unknown = compileExpression(source)(variables);
    if (typeof value === "bigint") return Number(value);
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    return undefined;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
