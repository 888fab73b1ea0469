/**
 * Epoch ms as an ISO string for API views, or null when there is no time to show: missing, not
 * a number, or outside what a JavaScript date holds (±8.64e15 ms, year 275760), where
 * `toISOString` throws. A view never fails over one stored value, or one odd run would break
 * every listing it appears in.
 */
export function isoTime(ms: unknown): string | null {
  if (typeof ms !== "number") return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
