import ms from "ms";

/** Durations and instants as SDKs send them ("5m", 300000, "PT5M"-free ISO dates). */

/**
 * The longest duration a registration may declare where no tighter range applies (10 years, as `ms` counts "10y").
 * A deadline is `now + duration`; JavaScript dates end at 8.64e15 ms (year 275760), so an
 * unbounded duration would store a time no view can show and no timer can be set for.
 */
export const MAX_DURATION_MS = 10 * 365.25 * 24 * 60 * 60 * 1000;

/**
 * Parses "5m", "1h30m"-style strings (via `ms`, summed per unit) or a number of ms. Undefined
 * when unreadable, negative or not finite (a JSON `1e400` parses to Infinity).
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const total = parseDurationText(value.trim());
  // `ms` reads "-5m" as -300000; a negative duration is as unreadable as a negative number.
  return total !== undefined && Number.isFinite(total) && total >= 0 ? total : undefined;
}

function parseDurationText(trimmed: string): number | undefined {
  const single = ms(trimmed as ms.StringValue);
  if (typeof single === "number" && Number.isFinite(single)) return single;
  // Compound forms like "1h30m" or "1d 2h", which Inngest accepts and `ms` does not.
  const parts = trimmed.match(/\d+(\.\d+)?\s*[a-zA-Z]+/g);
  if (!parts || parts.join("").replace(/\s/g, "") !== trimmed.replace(/\s/g, "")) return undefined;
  let total = 0;
  for (const part of parts) {
    const partMs = ms(part.replace(/\s/g, "") as ms.StringValue);
    if (typeof partMs !== "number" || !Number.isFinite(partMs)) return undefined;
    total += partMs;
  }
  return total;
}

/** Parses an ISO date (or epoch ms) into epoch ms. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string") return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
