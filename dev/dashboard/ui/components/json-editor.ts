import { h } from "../dom";

/** A JSON text field that checks itself as the user types. */
export interface JsonEditor {
  element: HTMLElement;
  textarea: HTMLTextAreaElement;
  /** The parsed value; undefined when the text is invalid (or empty and optional). */
  value(): unknown;
  /** True when the text parses (and is an object where one is required). */
  valid(): boolean;
}

/** Options of {@link jsonEditor}. */
export interface JsonEditorOptions {
  id: string;
  label: string;
  initial: string;
  /** Empty text is valid and means "none". @default false */
  optional?: boolean;
  /** Only a JSON object is valid. @default true */
  object?: boolean;
  /** Called after every edit, so the form can enable or disable its submit button. */
  onChange: () => void;
  testId?: string;
}

/**
 * A labelled `<textarea>` for JSON with its own error line: invalid JSON shows the parser's
 * message at once (announced, and tied to the field with `aria-describedby`).
 */
export function jsonEditor({ id, label, initial, optional = false, object = true, onChange, testId }: JsonEditorOptions): JsonEditor {
  const messageId = `${id}-message`;
  const textarea = h("textarea", { id, rows: 6, spellcheck: "false", autocomplete: "off", "aria-describedby": messageId, "data-testid": testId, value: initial });
  const message = h("p", { id: messageId, class: "field-message", "aria-live": "polite", "data-testid": testId ? `${testId}-message` : undefined });
  let parsed: { ok: true; value: unknown } | { ok: false } = { ok: false };
  const check = () => {
    const text = textarea.value.trim();
    if (!text && optional) {
      parsed = { ok: true, value: undefined };
      message.textContent = "";
    } else {
      try {
        const value: unknown = JSON.parse(text);
        if (object && (typeof value !== "object" || value === null || Array.isArray(value))) throw new Error("expected a JSON object, like {}");
        parsed = { ok: true, value };
        message.textContent = "";
      } catch (error) {
        parsed = { ok: false };
        message.textContent = `Invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    textarea.setAttribute("aria-invalid", String(!parsed.ok));
    message.classList.toggle("error", !parsed.ok);
  };
  textarea.addEventListener("input", () => {
    check();
    onChange();
  });
  check();
  return {
    element: h("div", { class: "field json-field" }, h("label", { for: id }, label), textarea, message),
    textarea,
    value: () => (parsed.ok ? parsed.value : undefined),
    valid: () => parsed.ok,
  };
}
