import { h } from "../dom";

/**
 * Cursor paging for newest-first lists: "Older →" follows `next_cursor`; the cursors passed on
 * the way are kept on a stack, so "← Newer" steps back one page and "← Newest" returns to the
 * first. The current cursor is what a live refresh refetches, so the user keeps their place.
 */
export class Pager {
  private readonly stack: (string | undefined)[] = [];
  /** The cursor of the page on screen (undefined: the newest page). */
  current: string | undefined;
  /** The server's `next_cursor` for the page on screen. */
  next: string | null = null;

  constructor(private readonly onChange: () => void) {}

  /** Back to the first page, e.g. after a filter change. */
  reset(): void {
    this.stack.length = 0;
    this.current = undefined;
  }

  /** The paging controls for the page on screen. */
  controls(label: string): HTMLElement {
    const go = (move: () => void) => () => {
      move();
      this.onChange();
    };
    const newest = h("button", { type: "button", id: `${label}-newest`, disabled: this.current === undefined, onclick: go(() => this.reset()) }, "← Newest");
    const newer = h(
      "button",
      { type: "button", id: `${label}-newer`, disabled: this.stack.length === 0, onclick: go(() => (this.current = this.stack.pop())) },
      "← Newer",
    );
    const older = h(
      "button",
      {
        type: "button",
        id: `${label}-older`,
        "data-testid": "page-older",
        disabled: !this.next,
        onclick: go(() => {
          this.stack.push(this.current);
          this.current = this.next ?? undefined;
        }),
      },
      "Older →",
    );
    return h("nav", { class: "pager", "aria-label": `${label} pages` }, newest, newer, older);
  }
}
