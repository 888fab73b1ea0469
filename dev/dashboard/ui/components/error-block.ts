import { h } from "../dom";
import type { ErrorView } from "../types";

/** An error as the engine reports it: name and message, and the stack in a `<pre>`. */
export function errorBlock(error: ErrorView | unknown): HTMLElement {
  const view = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ErrorView;
  return h(
    "div",
    { class: "error-block", "data-testid": "error" },
    h("p", null, h("strong", { class: "error-name" }, view.name ?? "Error"), view.message ? `: ${view.message}` : ""),
    view.stack ? h("pre", { class: "stack" }, view.stack) : null,
  );
}
