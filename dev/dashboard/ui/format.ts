/** How times and durations read on the dashboard. */

/** A duration: "850 ms", "1.2 s", "3 min 5 s", "2 h 10 min", "3 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** Milliseconds of an ISO time, or undefined for null/unparsable. */
export function timeOf(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** "12 s ago", "in 4 min", "just now". */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  const ms = timeOf(iso);
  if (ms === undefined) return "";
  const diff = ms - now;
  const size = Math.abs(diff);
  if (size < 1000) return "just now";
  const text = formatDuration(size).replace(/ \d+ (s|min|h)$/, "").replace(/\.\d s$/, " s");
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** A local date and time with seconds: "2026-03-01 10:04:05". */
export function formatTime(iso: string | null | undefined): string {
  const ms = timeOf(iso);
  if (ms === undefined) return "";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The value a `datetime-local` input shows for an ISO time (local time, minutes). */
export function toLocalInput(iso: string | null | undefined): string {
  return formatTime(iso).slice(0, 16).replace(" ", "T");
}

/** The ISO time of a `datetime-local` value, or "" when empty or invalid. */
export function fromLocalInput(value: string): string {
  if (!value) return "";
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? "" : new Date(ms).toISOString();
}

/** A one-line preview of a JSON value, cut to `max` characters. */
export function preview(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? "";
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
