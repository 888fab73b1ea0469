import type { Page } from "playwright-core";
import { dashboardSuite, waitForText } from "./browser";
import { FN, MARKUP_FUNCTION_NAME, MARKUP_OUTPUT, MARKUP_STEP_NAME } from "./dashboard-bed";

jest.setTimeout(30_000);

/** Event data whose key and value are markup. */
const DATA_KEY = "<img src=x onerror=window.__xss=3>";
const DATA_VALUE = "<script>window.__xss=4</script>";

/**
 * Names, event data and outputs are user-controlled: the dashboard must show markup in them as
 * text on every page, never as elements (and so never run it).
 */
describe("dashboard: markup in names, data and outputs is text", () => {
  const suite = dashboardSuite();

  /** Nothing ran, no element came from the markup, and each of `texts` is on the page as text. */
  async function expectOnlyText(page: Page, where: string, texts: string[]): Promise<void> {
    const dom = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      images: document.querySelectorAll('img[src="x"], img').length,
      scripts: Array.from(document.scripts)
        .map((script) => script.getAttribute("src") ?? `inline: ${script.text.slice(0, 60)}`)
        .filter((src) => src !== "/dashboard.js"),
      bold: document.querySelectorAll("main b").length,
    }));
    expect({ where, ...dom }).toEqual({ where, xss: undefined, images: 0, scripts: [], bold: 0 });
    for (const text of texts) {
      // Visible, so not only inside a closed <select>'s options.
      await page.locator("main").getByText(text, { exact: false }).filter({ visible: true }).first().waitFor();
    }
  }

  it("shows markup as text on the runs, run, events, event and functions pages", async () => {
    const eventId = await suite.bed.send("demo/markup", { [DATA_KEY]: DATA_VALUE });
    const { run_id: runId } = await suite.bed.runOf(eventId, FN.markup);
    await suite.bed.runUntil(runId, "completed", (run) => run.status === "Completed");
    const { page, goto } = await suite.open();

    await goto("#/runs");
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.waitFor();
    expect(await row.locator("td").nth(1).innerText()).toBe(MARKUP_FUNCTION_NAME);
    await expectOnlyText(page, "runs", [MARKUP_FUNCTION_NAME]);

    await row.locator(`a[href="#/runs/${runId}"]`).click();
    const step = page.getByTestId("step-row").first();
    await waitForText(step.locator(".step-name"), MARKUP_STEP_NAME);
    await step.getByTestId("step-toggle").click();
    const output = step.getByRole("group", { name: `Output of ${MARKUP_STEP_NAME}` });
    expect(await output.innerText()).toContain(JSON.stringify(MARKUP_OUTPUT.html));
    // The triggering event's data, on the run page too.
    expect(await page.getByTestId("run-events").innerText()).toContain(`${JSON.stringify(DATA_KEY)}: ${JSON.stringify(DATA_VALUE)}`);
    await expectOnlyText(page, "run", [MARKUP_FUNCTION_NAME, MARKUP_STEP_NAME, JSON.stringify(MARKUP_OUTPUT.html), JSON.stringify(DATA_KEY)]);

    await goto("#/events");
    const eventRow = page.locator(`[data-testid="event-row"][data-event-id="${eventId}"]`);
    await eventRow.waitFor();
    expect(await eventRow.locator("td.preview").innerText()).toBe(JSON.stringify({ [DATA_KEY]: DATA_VALUE }));
    await expectOnlyText(page, "events", [JSON.stringify({ [DATA_KEY]: DATA_VALUE })]);

    await eventRow.locator("a").click();
    await page.locator(`[data-testid="outcome-run"][data-run-id="${runId}"]`).waitFor();
    expect(await page.getByTestId("outcome-run").innerText()).toContain(`of ${MARKUP_FUNCTION_NAME}`);
    expect(await page.getByTestId("event-payload").innerText()).toContain(`${JSON.stringify(DATA_KEY)}: ${JSON.stringify(DATA_VALUE)}`);
    await expectOnlyText(page, "event", [MARKUP_FUNCTION_NAME, JSON.stringify(DATA_KEY), JSON.stringify(DATA_VALUE)]);

    await goto("#/functions");
    const card = page.locator(`[data-testid="function-card"][data-function-id="${FN.markup}"]`);
    expect(await card.locator("h3").innerText()).toBe(MARKUP_FUNCTION_NAME);
    await expectOnlyText(page, "functions", [MARKUP_FUNCTION_NAME]);

    await goto(`#/flow/${FN.markup}`);
    await page.getByTestId("flow-debounce").waitFor();
    expect(await page.getByTestId("flow-function").locator("option:checked").innerText()).toBe(MARKUP_FUNCTION_NAME);
    await expectOnlyText(page, "flow", []);
  });
});
