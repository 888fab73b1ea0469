import { h } from "../dom";
import { formatRelative, formatTime } from "../format";

/** A `<time>`: local date and time, relative time in parentheses, ISO in `datetime`. */
export function when(iso: string | null | undefined): HTMLElement {
  if (!iso) return h("span", { class: "muted" }, "an unknown time");
  const relative = formatRelative(iso);
  return h("time", { datetime: iso, title: iso }, formatTime(iso) || iso, relative ? ` (${relative})` : "");
}

/** A compact `<time>` for table cells: relative, with the full time as a tooltip. */
export function whenShort(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return "";
  return h("time", { datetime: iso, title: formatTime(iso) }, formatRelative(iso) || formatTime(iso));
}
