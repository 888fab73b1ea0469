/** A duration: milliseconds, or a string such as `"30s"`, `"5m"`, `"2h30m"`, `"1d"`, `"1w"`. */
export type Duration = number | string;

const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  second: 1000,
  minute: 60_000,
  d: 86_400_000,
  w: 604_800_000,
};

const periods: [string, number][] = [
  ["w", 604_800_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/**
 * Reads a duration as milliseconds. Accepts numbers (ms) and compound strings like `"1h30m"`.
 *
 * @example
 * ```ts
 * toMilliseconds("1h30m"); // 5_400_000
 * ```
 */
export function toMilliseconds(input: Duration): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw new Error(`invalid duration ${input}`);
    return input;
  }
  const text = input.trim().toLowerCase().replace(/\s+/g, "");
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const parts = text.match(/(\d+(?:\.\d+)?)([a-z]+)/g);
  if (!parts || parts.join("") !== text) throw new Error(`invalid duration "${input}"`);
  let total = 0;
  for (const part of parts) {
    const [, amount, unit] = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(part) ?? [];
    const size = unit === undefined ? undefined : units[unit] ?? units[unit.replace(/s$/, "")];
    if (amount === undefined || size === undefined) throw new Error(`invalid duration "${input}"`);
    total += Number(amount) * size;
  }
  return total;
}

/**
 * The engine's duration string for a delay (`"2h30m10s"`); sub-second delays round up to 1s.
 *
 * @example
 * ```ts
 * durationString(90_000); // "1m30s"
 * ```
 */
export function durationString(input: Duration): string {
  let ms = toMilliseconds(input);
  if (ms > 0 && ms < 1000) ms = 1000;
  let out = "";
  for (const [suffix, size] of periods) {
    const count = Math.floor(ms / size);
    if (count > 0) {
      out += `${count}${suffix}`;
      ms -= count * size;
    }
  }
  return out || "0s";
}
