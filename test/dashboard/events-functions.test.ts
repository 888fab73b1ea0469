import { dashboardSuite, screenshot, waitForHash, waitForText } from "./browser";
import { FN } from "./dashboard-bed";

jest.setTimeout(30_000);

/** The events pages (what an event led to, debounce explained), functions and flow control. */
describe("dashboard: events, functions and flow control", () => {
  const suite = dashboardSuite();

  it("explains a debounced event: the first is superseded by the second, which waits until a time", async () => {
    const first = await suite.bed.send("demo/typing", { text: "hel" });
    const second = await suite.bed.send("demo/typing", { text: "hello" });
    const { page, goto } = await suite.open();

    // Both are in the event stream, newest first.
    await goto("#/events");
    const rows = page.getByTestId("events-table").getByTestId("event-row");
    await page.locator(`[data-testid="event-row"][data-event-id="${second}"]`).waitFor();
    const ids = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-event-id")));
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    expect(ids.indexOf(first)).toBeGreaterThanOrEqual(0);
    expect(await page.locator(`[data-event-id="${first}"] td.preview`).innerText()).toBe('{"text":"hel"}');
    await screenshot(page, "events");
    await page.locator(`[data-testid="event-row"][data-event-id="${first}"] a`).click();
    await waitForHash(page, new RegExp(`^#/events/${first}$`));

    const skipped = page.locator('[data-testid="outcome-skipped"][data-reason="debounce-superseded"]');
    const sentence = await waitForText(skipped, /superseded/);
    expect(sentence).toBe(`typing: skipped: superseded by a later debounced event ${second}.`);
    expect(await page.getByTestId("event-payload").innerText()).toContain('"text": "hel"');
    const link = skipped.locator("a");
    expect(await link.getAttribute("href")).toBe(`#/events/${second}`);
    await link.click();
    await waitForHash(page, new RegExp(`^#/events/${second}$`));

    const pending = page.locator('[data-testid="outcome-pending"][data-reason="debounce"]');
    const waiting = await waitForText(pending, /debounced until/);
    expect(waiting).toMatch(/^typing: debounced until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (\d\d s|1 min)\)\.$/);
    expect(await pending.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.getByTestId("outcome-run").count()).toBe(0);
    await screenshot(page, "event");
  });

  it("lists apps with their sync result, syncs on demand, and invokes a function from its card", async () => {
    const { page, goto } = await suite.open();
    await goto("#/functions");

    const app = page.getByTestId("apps-table").getByTestId("app-row");
    await app.waitFor();
    expect(await app.count()).toBe(1);
    expect(await app.locator("td.wrap").innerText()).toBe(suite.bed.appUrl);
    expect(await app.locator(".badge").innerText()).toBe("ok");
    await app.getByTestId("sync-app").click();
    expect(await waitForText(page.getByTestId("sync-result"), /^Synced/)).toMatch(/^Synced: (no changes|functions changed)\.$/);

    const cards = page.getByTestId("function-card");
    const ids = await cards.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-function-id")));
    expect(ids.sort()).toEqual(Object.values(FN).sort());
    const greet = page.locator(`[data-testid="function-card"][data-function-id="${FN.greet}"]`);
    expect(await greet.locator(".triggers").innerText()).toBe("event demo/greet");
    expect(await page.locator(`[data-function-id="${FN.typing}"] details.config summary`).innerText()).toBe("Flow-control config");
    await screenshot(page, "functions");

    await greet.getByTestId("invoke").click();
    const editor = greet.getByTestId("invoke-json");
    await editor.fill('{"data": {"name": "Linus"');
    expect(await greet.getByTestId("invoke-json-message").innerText()).toMatch(/^Invalid JSON/);
    expect(await greet.getByTestId("invoke-send").isDisabled()).toBe(true);
    await editor.fill('{"data": {"name": "Linus"}}');
    await greet.getByTestId("invoke-send").click();
    const run = greet.getByTestId("invoke-results").getByTestId("outcome-run");
    await run.locator('[data-testid="phase"][data-phase="completed"]').waitFor();
    const runId = (await run.getAttribute("data-run-id")) as string;
    expect(await suite.bed.api.run(runId)).toMatchObject({ function_id: FN.greet, output: { greeted: "Linus", steps: 3 } });
  });

  it("shows a debounced event on the function's flow-control page", async () => {
    const eventId = await suite.bed.send("demo/typing", { text: "flow" });
    const { page, goto } = await suite.open();
    await goto(`#/flow/${FN.typing}`);

    expect(await page.getByTestId("flow-function").inputValue()).toBe(FN.typing);
    const debounce = page.getByTestId("flow-debounce");
    // The row points at the latest event (the page refetches every 2 s, so wait for it).
    const row = debounce.getByTestId("flow-row");
    await row.locator(`a[href="#/events/${eventId}"]`).waitFor();
    expect(await row.count()).toBe(1);
    const headers = await debounce.locator("th").allInnerTexts();
    expect(headers).toEqual(expect.arrayContaining(["Key", "event_id", "fires_at"]));
    expect(await row.locator("td").first().innerText()).toBe("(unkeyed)");
    expect(await row.locator("td").nth(headers.indexOf("fires_at")).innerText()).toMatch(/^in (\d\d s|1 min)$/);
    expect(await page.getByTestId("flow-concurrency").innerText()).toContain("Not configured for this function.");
    await screenshot(page, "flow");
  });
});
