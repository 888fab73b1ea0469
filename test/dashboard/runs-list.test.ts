import type { Page } from "playwright-core";
import { dashboardSuite, hashOf, screenshot, waitForHash, waitForText } from "./browser";
import { FN } from "./dashboard-bed";

jest.setTimeout(30_000);

/** The runs list: filters kept in the hash, search by id, and live updates. */
describe("dashboard: runs list", () => {
  const suite = dashboardSuite();
  /** One run per phase of interest, made once for the file. */
  const runs = { greet: "", flaky: "", nap: "", greetEvent: "" };

  beforeAll(async () => {
    const bed = suite.bed;
    bed.flaky.broken = true;
    const [greetEvent, flakyEvent, napEvent] = await Promise.all([bed.send("demo/greet", { name: "Ada" }), bed.send("demo/flaky"), bed.send("demo/nap")]);
    runs.greetEvent = greetEvent;
    runs.greet = (await bed.runOf(greetEvent, FN.greet)).run_id;
    runs.flaky = (await bed.runOf(flakyEvent, FN.flaky)).run_id;
    runs.nap = (await bed.runOf(napEvent, FN.nap)).run_id;
    await Promise.all([
      bed.runUntil(runs.greet, "completed", (run) => run.status === "Completed"),
      bed.runUntil(runs.flaky, "failed", (run) => run.status === "Failed"),
      bed.runUntil(runs.nap, "sleeping", (run) => run.waiting?.type === "sleeping"),
    ]);
  });

  /** The run ids in the table, once the table shows `expected` (the list loads asynchronously). */
  async function rowIds(page: Page, expected: string): Promise<string[]> {
    await page.locator(`[data-testid="run-row"][data-run-id="${expected}"]`).waitFor();
    return page.getByTestId("run-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run-id") as string));
  }

  it("filters by function and phase, keeping the filters in the hash", async () => {
    const { page, goto } = await suite.open();
    await goto("#/runs");
    expect(await rowIds(page, runs.nap)).toEqual(expect.arrayContaining([runs.greet, runs.flaky, runs.nap]));
    const napRow = page.locator(`[data-run-id="${runs.nap}"]`);
    expect(await napRow.getByTestId("phase").getAttribute("data-phase")).toBe("sleeping");
    expect(await napRow.locator("td.waiting-cell").innerText()).toMatch(/^sleeping until \d\d:\d\d:\d\d$/);
    await screenshot(page, "runs");

    await page.locator("#runs-function").selectOption(FN.greet);
    await waitForHash(page, /function_id=demo-greet/);
    await page.locator(`[data-run-id="${runs.nap}"]`).waitFor({ state: "detached" });
    const greetOnly = await rowIds(page, runs.greet);
    expect(greetOnly).not.toContain(runs.flaky);
    for (const row of await page.getByTestId("run-row").all()) expect(await row.locator("td").nth(1).innerText()).toBe("greet");
    expect(await page.locator("#runs-function").inputValue()).toBe(FN.greet);

    await page.locator("#runs-function").selectOption("");
    await page.locator("#runs-phase").selectOption("failed");
    expect(await waitForHash(page, /phase=failed/)).toBe("#/runs?phase=failed");
    await page.locator(`[data-run-id="${runs.greet}"]`).waitFor({ state: "detached" });
    expect(await rowIds(page, runs.flaky)).toEqual([runs.flaky]);

    // A filter that matches nothing says so; "Clear filters" brings every run back.
    await page.locator("#runs-function").selectOption(FN.typing);
    expect(await hashOf(page)).toMatch(/function_id=demo-typing/);
    await waitForText(page.getByTestId("runs-list"), "No runs match these filters yet.");
    await page.getByRole("link", { name: "Clear filters" }).click();
    await waitForHash(page, /^#\/runs$/);
    expect(await rowIds(page, runs.greet)).toEqual(expect.arrayContaining([runs.greet, runs.flaky, runs.nap]));
  });

  it("searches by run id, by event id, and says when an id is unknown", async () => {
    const { page, goto } = await suite.open();
    await goto("#/runs");
    const search = page.getByTestId("runs-search");

    await search.fill(runs.flaky);
    await search.press("Enter");
    await waitForHash(page, new RegExp(`^#/runs/${runs.flaky}$`));
    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="failed"]').waitFor();

    await goto("#/runs");
    await page.getByTestId("runs-search").fill(runs.greetEvent);
    await page.getByTestId("runs-search").press("Enter");
    await waitForHash(page, new RegExp(`^#/events/${runs.greetEvent}$`));
    await page.locator(`[data-testid="outcome-run"][data-run-id="${runs.greet}"]`).waitFor();

    await goto("#/runs");
    await page.getByTestId("runs-search").fill("no-such-id");
    await page.getByTestId("runs-search").press("Enter");
    expect(await waitForText(page.getByTestId("search-message"), /^No run/)).toBe("No run or event has the id no-such-id.");
    expect(await hashOf(page)).toBe("#/runs");
  });

  it("shows a new run without a reload", async () => {
    const { page, goto } = await suite.open();
    await goto("#/runs");
    await rowIds(page, runs.greet);
    // A reload would drop this marker.
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
    const eventId = await suite.bed.send("demo/greet", { name: "Live" });
    const { run_id: runId } = await suite.bed.runOf(eventId, FN.greet);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.locator('[data-testid="phase"][data-phase="completed"]').waitFor();
    expect((await rowIds(page, runId))[0]).toBe(runId);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
  });

  it("says a run id is unknown, asking for it once rather than watching it", async () => {
    const session = await suite.open();
    const asked: string[] = [];
    session.page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/v1/runs/no-such-run")) asked.push(request.url());
    });
    await session.goto("#/runs/no-such-run");
    await waitForText(session.page.getByTestId("run-detail"), /Could not load the run: run no-such-run not found/);
    // The live loop would ask again at once (its first answer always says "changed").
    await session.page.waitForTimeout(500);
    expect(asked).toHaveLength(1);
    // The browser logs the one 404 as a console error; it is the page's answer here, not a fault.
    expect(session.errors.splice(0)).toEqual([expect.stringMatching(/404/)]);
  });
});
