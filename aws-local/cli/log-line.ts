import type { EngineFunction } from "../prod-bed/resource-names";

/** Powertools Logger's JSON fields `ferry aws-local` shows; the rest stay in the line as keys. */
interface PowertoolsLine {
  level?: string;
  message?: string;
  timestamp?: string;
  [key: string]: unknown;
}

/** Fields every Powertools line carries that say nothing about the run. */
const NOISE = new Set(["level", "message", "timestamp", "service", "stage", "sampling_rate", "xray_trace_id", "function_name", "function_memory_size", "function_arn", "function_request_id", "cold_start"]);
const LOUD = new Set(["WARN", "ERROR", "CRITICAL"]);

/**
 * One line of a function's log stream as `ferry aws-local` prints it: `Executor INFO run
 * completed run_id=... function_id=...` for Powertools' JSON lines, the line as is otherwise
 * (a stack trace, a runtime message). With `quiet`, only warnings, errors and lines that are
 * not JSON. Undefined means "print nothing". EMF metric lines (CloudWatch reads them, people
 * do not) are left out.
 */
export function formatLogLine(fn: EngineFunction, line: string, options: { quiet: boolean }): string | undefined {
  if (!line.startsWith("{")) return `${fn} ${line}`;
  let parsed: PowertoolsLine;
  try {
    parsed = JSON.parse(line) as PowertoolsLine;
  } catch {
    return `${fn} ${line}`;
  }
  if ("_aws" in parsed) return undefined;
  const level = String(parsed.level ?? "INFO").toUpperCase();
  if (options.quiet && !LOUD.has(level)) return undefined;
  const fields = Object.entries(parsed)
    .filter(([key, value]) => !NOISE.has(key) && value !== undefined && typeof value !== "object")
    .map(([key, value]) => `${key}=${String(value)}`);
  const error = parsed.error as { message?: string; stack?: string } | undefined;
  const detail = error?.stack ?? error?.message;
  return [`${fn} ${level} ${parsed.message ?? ""}`, ...fields].join(" ") + (detail ? `\n${detail}` : "");
}
