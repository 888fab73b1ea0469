import { h } from "./dom";

/** Strings longer than this start cut short. */
const LONG_STRING = 200;
/** Arrays and objects with more entries than this start collapsed. */
const MANY_ENTRIES = 20;
/** Arrays and objects nested deeper than this start collapsed. */
const DEEP = 3;

/**
 * Pretty JSON whose large parts start collapsed, so a 5 MB output does not bury the page: long
 * strings behind a "show all" `<button>`, big or deep arrays and objects behind a
 * collapsed toggle `<button>` (aria-expanded). Both toggle with the keyboard. Every value is rendered as text.
 */
export function jsonView(value: unknown, attrs: { label?: string } = {}): HTMLElement {
  return h("div", { class: "json-view", "data-testid": "json-view", role: "group", "aria-label": attrs.label ?? "JSON value" }, node(value, 1));
}

function node(value: unknown, depth: number): Node {
  if (value === null || value === undefined) return h("span", { class: "json-null" }, "null");
  if (typeof value === "string") return stringNode(value);
  if (typeof value === "number" || typeof value === "boolean") return h("span", { class: `json-${typeof value}` }, String(value));
  if (Array.isArray(value)) return container("[", "]", value.map((item, index) => [String(index), item] as const), depth, false);
  if (typeof value === "object") return container("{", "}", Object.entries(value), depth, true);
  return h("span", null, String(value));
}

function stringNode(value: string): Node {
  const quoted = JSON.stringify(value);
  if (value.length <= LONG_STRING) return h("span", { class: "json-string" }, quoted);
  const text = h("span", { class: "json-string" }, `${quoted.slice(0, LONG_STRING)}…"`);
  const button = h("button", { type: "button", class: "json-toggle", "aria-expanded": "false" }, `show all ${value.length.toLocaleString()} chars`);
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    text.textContent = open ? quoted : `${quoted.slice(0, LONG_STRING)}…"`;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "show less" : `show all ${value.length.toLocaleString()} chars`;
  });
  return h("span", null, text, " ", button);
}

function container(open: string, close: string, entries: (readonly [string, unknown])[], depth: number, keyed: boolean): Node {
  if (entries.length === 0) return h("span", { class: "json-punct" }, `${open}${close}`);
  const noun = keyed ? (entries.length === 1 ? "key" : "keys") : entries.length === 1 ? "item" : "items";
  const list = h("ul", { class: "json-entries" });
  const closing = h("span", { class: "json-punct" }, close);
  const count = h("span", { class: "json-count" }, `… ${entries.length} ${noun} `);
  const toggle = h("button", { type: "button", class: "json-node", "aria-expanded": "false", "aria-label": `${keyed ? "Object" : "Array"} with ${entries.length} ${noun}` }, open);
  // Entries are built on first expand: a collapsed 10,000-item array costs nothing.
  let built = false;
  const setOpen = (expanded: boolean) => {
    if (expanded && !built) {
      built = true;
      list.append(...entries.map(([key, item]) => h("li", null, keyed ? h("span", { class: "json-key" }, `${JSON.stringify(key)}: `) : null, node(item, depth + 1))));
    }
    toggle.setAttribute("aria-expanded", String(expanded));
    list.hidden = !expanded;
    count.hidden = expanded;
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  setOpen(entries.length <= MANY_ENTRIES && depth <= DEEP);
  return h("span", { class: "json-container" }, toggle, count, list, closing);
}
