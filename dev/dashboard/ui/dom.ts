/**
 * Building DOM without markup strings. Names, event data and function names are user-controlled
 * (`<img src=x onerror=...>` is a valid event name), so text only ever reaches the page as text
 * nodes; nothing here, or anywhere in the dashboard, parses HTML.
 */

/** What `h` accepts as a child: text, a node, nothing, or a list of those. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attribute values: strings, booleans (present/absent), listeners, and a few special keys. */
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | EventListener | Record<string, string> | ((event: never) => void);
  /** Set through CSSOM (`style.setProperty`): the page's CSP forbids `style="..."` attributes. */
  style?: Record<string, string>;
  /** Set as the element's property, so a form control shows it even after user edits. */
  value?: string;
}

/**
 * Creates an element. `on<event>` keys add listeners, `class` sets the class, `value`/`checked`
 * set properties, `true`/`false` add or omit an attribute; children become text nodes or are
 * appended as they are.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "style") {
      for (const [property, css] of Object.entries(value as Record<string, string>)) element.style.setProperty(property, css);
    } else if (name.startsWith("on")) {
      // A string here would be an inline handler: code from text. Only functions are listeners.
      if (typeof value !== "function") throw new Error(`h(): ${name} must be a function`);
      element.addEventListener(name.slice(2), value as EventListener);
    } else if (name === "href" && !/^[#/]/.test(String(value))) {
      // Links stay inside the dashboard or its server: no javascript: or foreign URLs from data.
      throw new Error(`h(): href must start with # or /, got ${String(value).slice(0, 40)}`);
    } else if (name === "value" || name === "checked") {
      (element as unknown as Record<string, unknown>)[name] = value;
    } else {
      element.setAttribute(name === "className" ? "class" : name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children (text as text nodes). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/**
 * Replaces a container's content, then gives focus back to the element with the same `id` or
 * `data-key`: a live refresh must not yank the keyboard user back to the top of the page.
 */
export function replaceKeepingFocus(parent: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const key = active && parent.contains(active) ? (active.id ? `#${CSS.escape(active.id)}` : keySelector(active)) : undefined;
  const fragment = document.createDocumentFragment();
  append(fragment, children);
  parent.replaceChildren(fragment);
  if (key) (parent.querySelector(key) as HTMLElement | null)?.focus();
}

function keySelector(element: Element): string | undefined {
  const key = element.getAttribute("data-key");
  return key === null ? undefined : `[data-key="${CSS.escape(key)}"]`;
}

/** A link to a dashboard route, e.g. `link("#/runs/" + seg(id), id)`. */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h("a", { href }, ...children);
}

/** A `<code>` element, for ids. */
export const code = (text: string): HTMLElement => h("code", null, text);

/** A paragraph stating an error, announced to screen readers. */
export const errorText = (message: string): HTMLElement => h("p", { class: "error", role: "alert" }, message);

/** A muted paragraph for empty states and hints. */
export const muted = (...children: Child[]): HTMLElement => h("p", { class: "muted" }, ...children);

/** A table inside a wrapper that scrolls sideways on narrow screens. */
export function table(headers: string[], rows: Node[], attrs?: Attrs): HTMLElement {
  return h("div", { class: "table-scroll" }, h("table", attrs ?? null, h("thead", null, h("tr", null, headers.map((text) => h("th", { scope: "col" }, text)))), h("tbody", null, rows)));
}
