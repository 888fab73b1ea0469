import type { Page } from "playwright-core";
import { dashboardSuite, screenshot, waitForHash } from "./browser";
import { FN } from "./dashboard-bed";

jest.setTimeout(30_000);

/** A phone's viewport. */
const PHONE = { width: 390, height: 844 };

/** Relative luminance (WCAG) of a computed `rgb(...)`/`rgba(...)` color. */
function luminance(color: string): number {
  const match = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  if (!match) throw new Error(`not an rgb color: ${color}`);
  const [r, g, b] = match.slice(1, 4).map((part) => {
    const c = Number(part) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const bodyBackground = (page: Page): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const documentWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

/** Narrow screens, light and dark themes, and the keyboard. */
describe("dashboard: layout, themes and keyboard", () => {
  const suite = dashboardSuite();

  it("fits a 390 px wide screen on the runs page and a run page, in dark mode", async () => {
    const eventId = await suite.bed.send("demo/greet", { name: "a rather long name that should wrap rather than widen the page" });
    const { run_id: runId } = await suite.bed.runOf(eventId, FN.greet);
    await suite.bed.runUntil(runId, "completed", (run) => run.status === "Completed");
    await suite.bed.runOf(await suite.bed.send("demo/nap"), FN.nap);
    const { page, goto } = await suite.open({ viewport: PHONE, colorScheme: "dark", isMobile: true, hasTouch: true });

    await goto("#/runs");
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE.width);
    expect(luminance(await bodyBackground(page))).toBeLessThan(0.05);
    await screenshot(page, "runs-mobile-dark");

    await goto(`#/runs/${runId}`);
    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="completed"]').waitFor();
    // With every step open (outputs, stacks and all).
    for (const toggle of await page.getByTestId("step-toggle").all()) await toggle.click();
    expect(await page.getByTestId("step-detail").count()).toBe(3);
    expect(await documentWidth(page)).toBeLessThanOrEqual(PHONE.width);
  });

  it("follows the light and dark color schemes", async () => {
    const light = await suite.open({ colorScheme: "light" });
    await light.goto("#/runs");
    await light.page.getByTestId("runs-list").waitFor();
    const dark = await suite.open({ colorScheme: "dark" });
    await dark.goto("#/runs");
    await dark.page.getByTestId("runs-list").waitFor();

    const lightBackground = luminance(await bodyBackground(light.page));
    const darkBackground = luminance(await bodyBackground(dark.page));
    expect(lightBackground).toBeGreaterThan(0.8);
    expect(darkBackground).toBeLessThan(0.05);
    // The text follows: dark on light, light on dark.
    const textOf = (page: Page) => page.evaluate(() => getComputedStyle(document.body).color);
    expect(luminance(await textOf(light.page))).toBeLessThan(0.1);
    expect(luminance(await textOf(dark.page))).toBeGreaterThan(0.6);
  });

  it("reaches the navigation with Tab from a fresh load, and Enter on Events opens the events page", async () => {
    const { page, goto } = await suite.open();
    await goto("#/runs");
    await page.getByTestId("runs-list").waitFor();
    const focusedText = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText.trim() ?? "");

    const seen: string[] = [];
    for (let i = 0; i < 10 && seen.at(-1) !== "Events"; i++) {
      await page.keyboard.press("Tab");
      seen.push(await focusedText());
    }
    // The skip link first, then the brand, then the nav links in order.
    expect(seen).toEqual(["Skip to content", "Ferry", "Runs", "Events"]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("nav-events");
    await page.keyboard.press("Enter");
    await waitForHash(page, /^#\/events$/);
    await page.getByTestId("events-list").waitFor();
    expect(await page.getByTestId("nav-events").getAttribute("aria-current")).toBe("page");
    expect(await page.title()).toBe("Events · Ferry");
  });
});
