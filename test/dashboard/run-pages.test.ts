import { dashboardSuite, runIdOf, screenshot, waitForHash, waitForText } from "./browser";
import { FN, GREET_STEPS } from "./dashboard-bed";

jest.setTimeout(30_000);

/** Sending an event by hand and following runs through their pages: timeline, cancel, replay, invoke. */
describe("dashboard: send event and run pages", () => {
  const suite = dashboardSuite();

  it("sends an event from the form and shows its run reaching Completed, live", async () => {
    const { page, goto } = await suite.open();
    await goto("#/send");
    await page.getByTestId("send-name").fill("demo/greet");
    await page.getByTestId("send-data").fill('{ "name": "Ada" }');
    await page.getByTestId("send-submit").click();

    const sent = page.getByTestId("sent-event");
    await sent.waitFor();
    const eventId = await sent.getAttribute("data-event-id");
    expect(eventId).toBeTruthy();
    expect(await page.getByTestId("sent-event-link").innerText()).toBe(eventId);
    // The run appears below the form and turns Completed without a reload.
    const run = sent.getByTestId("outcome-run");
    await run.getByTestId("phase").and(page.locator('[data-phase="completed"]')).waitFor();
    expect(await run.innerText()).toMatch(/^Started \S+ of greet completed$/);
    const runId = await run.getAttribute("data-run-id");
    expect((await suite.bed.api.run(runId as string)).output).toEqual({ greeted: "Ada", steps: 3 });
    await screenshot(page, "send");
  });

  it("shows the steps of a run in its timeline, each with its output", async () => {
    const eventId = await suite.bed.send("demo/greet", { name: "Grace" });
    const { run_id: runId } = await suite.bed.runOf(eventId, FN.greet);
    await suite.bed.runUntil(runId, "completed", (run) => run.status === "Completed");
    const { page, goto } = await suite.open();
    await goto(`#/runs/${runId}`);

    const detail = page.getByTestId("run-detail");
    await detail.locator('header [data-testid="phase"][data-phase="completed"]').waitFor();
    const rows = page.getByTestId("timeline").getByTestId("step-row");
    expect(await rows.count()).toBe(GREET_STEPS.length);
    for (const [index, step] of GREET_STEPS.entries()) {
      const row = rows.nth(index);
      expect(await row.locator(".step-name").innerText()).toBe(step.name);
      const toggle = row.getByTestId("step-toggle");
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      await toggle.click();
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      const output = row.getByTestId("step-detail").getByRole("group", { name: `Output of ${step.name}` });
      // The JSON view shows every key and value of the step's output as text.
      const text = await output.innerText();
      for (const [key, value] of Object.entries(step.output)) {
        expect(text).toContain(JSON.stringify(key));
        expect(text).toContain(JSON.stringify(value));
      }
    }
    await rows.nth(0).getByTestId("step-toggle").click();
    await rows.nth(2).getByTestId("step-toggle").click();
    expect(await page.getByTestId("run-output").innerText()).toContain('"greeted"');
    await screenshot(page, "run");
  });

  it("explains a sleeping run and cancels it after a confirmation", async () => {
    const eventId = await suite.bed.send("demo/nap");
    const { run_id: runId } = await suite.bed.runOf(eventId, FN.nap);
    const { page, goto } = await suite.open();
    await goto(`#/runs/${runId}`);

    const header = page.locator('[data-testid="run-detail"] header');
    await header.locator('[data-testid="phase"][data-phase="sleeping"]').waitFor();
    expect(await page.locator("section.why h2").innerText()).toBe("Why it is waiting");
    const why = page.locator('[data-testid="waiting"][data-waiting="sleeping"]');
    const sentence = await waitForText(why, /Sleeping until/);
    expect(sentence).toMatch(/^Sleeping until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (5\d min|1 h)\) \(step nap\)\.$/);

    const cancel = page.getByTestId("cancel-run");
    await cancel.click();
    // The first click only asks: the run is still sleeping.
    expect(await cancel.innerText()).toBe("Are you sure? Cancel it");
    await page.getByTestId("cancel-keep").waitFor();
    expect((await suite.bed.api.run(runId)).status).toBe("Running");
    await cancel.click();
    await header.locator('[data-testid="phase"][data-phase="cancelled"]').waitFor();
    expect(await page.getByTestId("waiting").count()).toBe(0);
    expect((await suite.bed.api.run(runId)).status).toBe("Cancelled");
    await page.getByTestId("replay-run").waitFor();
  });

  it("shows a failed step's error and stack, and replays the run once the function is fixed", async () => {
    suite.bed.flaky.broken = true;
    const eventId = await suite.bed.send("demo/flaky");
    const { run_id: runId } = await suite.bed.runOf(eventId, FN.flaky);
    const { page, goto } = await suite.open();
    await goto(`#/runs/${runId}`);

    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="failed"]').waitFor();
    expect(await page.getByTestId("run-error").innerText()).toContain("broken on purpose");
    const row = page.getByTestId("step-row").filter({ hasText: "fetch-report" });
    await row.getByTestId("step-toggle").click();
    // With retries: 0 the one attempt's error is the step's own ("Error"; "Failed attempts" lists retried ones).
    const detail = row.getByTestId("step-detail");
    expect(await detail.locator("dl.facts").innerText()).toMatch(/Status\s+Failed\s+Attempts\s+1\s/);
    expect(await detail.locator("h4").allInnerTexts()).toEqual(["Error"]);
    const error = detail.getByTestId("error");
    expect(await error.innerText()).toContain("Error: broken on purpose");
    const stack = await error.locator("pre.stack").innerText();
    expect(stack).toMatch(/^Error: broken on purpose\n\s+at /);

    suite.bed.flaky.broken = false;
    await page.getByTestId("replay-run").click();
    const hash = await waitForHash(page, new RegExp(`^#/runs/(?!${runId}$)[^/?]+$`));
    const replayId = runIdOf(hash);
    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="completed"]').waitFor();
    const back = page.getByTestId("replay-of");
    expect(await back.innerText()).toBe(runId);
    expect(await back.getAttribute("href")).toBe(`#/runs/${runId}`);
    expect((await suite.bed.api.run(replayId)).output).toEqual({ report: "fixed" });
    await back.click();
    await waitForHash(page, new RegExp(`^#/runs/${runId}$`));
    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="failed"]').waitFor();
  });

  it("links an invoke step to its child run, and the child back to its parent", async () => {
    const eventId = await suite.bed.send("demo/parent");
    const { run_id: parentId } = await suite.bed.runOf(eventId, FN.parent);
    await suite.bed.runUntil(parentId, "completed", (run) => run.status === "Completed");
    const { page, goto } = await suite.open();
    await goto(`#/runs/${parentId}`);

    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="completed"]').waitFor();
    const row = page.getByTestId("step-row").filter({ hasText: "call-child" });
    expect(await row.locator(".step-kind").innerText()).toBe("invoke");
    await row.getByTestId("step-toggle").click();
    const childLink = row.getByTestId("step-detail").locator('a[href^="#/runs/"]');
    const childId = await childLink.innerText();
    await childLink.click();
    await waitForHash(page, new RegExp(`^#/runs/${childId}$`));
    const parentLink = page.getByTestId("parent-run");
    expect(await parentLink.innerText()).toBe(parentId);
    expect(await page.locator('[data-testid="run-detail"] dl.facts').innerText()).toMatch(/Parent run\s+/);
    await page.locator('[data-testid="run-detail"] header [data-testid="phase"][data-phase="completed"]').waitFor();
    expect((await suite.bed.api.run(childId)).output).toEqual({ doubled: 42 });
    await parentLink.click();
    await waitForHash(page, new RegExp(`^#/runs/${parentId}$`));
    await page.getByTestId("step-row").filter({ hasText: "call-child" }).waitFor();
  });
});
