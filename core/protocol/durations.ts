import ms from "ms";

/** Durations and instants as SDKs send them ("5m", 300000, "PT5M"-free ISO dates). */

/** Parses "5m", "1h30m"-style strings (via `ms`, summed per unit) or a number of ms. Undefined when unreadable. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const trimmed = value.trim();
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
