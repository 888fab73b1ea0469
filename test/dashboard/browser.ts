import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import { startDashboardBed, type DashboardBed } from "./dashboard-bed";

/** Debian's Chromium; playwright-core drives it and downloads no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** How long a test waits for something to appear on the page (live updates, runs finishing). */
export const WAIT_MS = 10_000;

/** The viewport of every test and screenshot unless a test says otherwise. */
export const DESKTOP = { width: 1280, height: 800 };

/** Launches Chromium, or fails saying how to get it (a missing browser must not skip the tests). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The dashboard's browser tests (test/dashboard/) drive Debian's Chromium ` +
        `through playwright-core, which downloads no browser. Install it with "apt-get install chromium" (.ci/run does this ` +
        `through apt when the machine lacks it), or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"] });
}

/** One browser context and page, with every console error and uncaught page error it logs. */
export interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Opens a dashboard route, e.g. `#/runs/<id>`. */
  goto(hash: string): Promise<void>;
}

/** What {@link dashboardSuite} gives a test file. */
export interface DashboardSuite {
  readonly bed: DashboardBed;
  readonly browser: Browser;
  /** A new context (1280x800 unless `options` say otherwise) and page; closed and checked for console errors after the test. */
  open(options?: BrowserContextOptions): Promise<Session>;
}

/**
 * Sets up a test file: one bed (dev server + app) and one browser for the file, a new context
 * per {@link DashboardSuite.open}. After each test its contexts are closed and the test fails if
 * any page logged a console error or threw.
 */
export function dashboardSuite(): DashboardSuite {
  let bed: DashboardBed | undefined;
  let browser: Browser | undefined;
  let sessions: Session[] = [];

  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startDashboardBed(), launchChromium()]);
    if (started.status === "fulfilled") bed = started.value;
    if (launched.status === "fulfilled") browser = launched.value;
    // afterAll closes whichever of the two started.
    if (launched.status === "rejected") throw launched.reason;
    if (started.status === "rejected") throw started.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await bed?.close();
  });
  afterEach(async () => {
    const ended = sessions;
    sessions = [];
    const errors = ended.flatMap((session) => session.errors);
    await Promise.all(ended.map((session) => session.context.close()));
    if (errors.length) throw new Error(`the dashboard logged ${errors.length} console error(s):\n${errors.join("\n")}`);
  });

  const suite: DashboardSuite = {
    get bed() {
      if (!bed) throw new Error("the bed is not started (beforeAll failed?)");
      return bed;
    },
    get browser() {
      if (!browser) throw new Error("the browser is not started (beforeAll failed?)");
      return browser;
    },
    async open(options = {}) {
      const context = await suite.browser.newContext({ viewport: DESKTOP, ...options });
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(`console.error: ${message.text()} (${message.location().url})`);
      });
      page.on("pageerror", (error) => errors.push(`page error: ${error.stack ?? error.message}`));
      const session: Session = {
        context,
        page,
        errors,
        goto: async (hash) => {
          await page.goto(`${suite.bed.url}/${hash}`);
        },
      };
      sessions.push(session);
      return session;
    },
  };
  return suite;
}

/** The route the page is on (`#/runs/...`), decoded. */
export const hashOf = (page: Page): Promise<string> => page.evaluate(() => decodeURIComponent(location.hash));

/** Waits until the page's hash matches (a navigation inside the single-page app). */
export async function waitForHash(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction((source) => new RegExp(source).test(decodeURIComponent(location.hash)), pattern.source, { timeout: WAIT_MS });
  return hashOf(page);
}

/** Waits until the locator's text (all of it, trimmed) matches. */
export async function waitForText(locator: Locator, pattern: RegExp | string): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: WAIT_MS });
  return (await locator.first().innerText()).trim();
}

/** The run id in a run page's hash. */
export function runIdOf(hash: string): string {
  const match = /^#\/runs\/([^/?]+)/.exec(hash);
  if (!match) throw new Error(`not a run page: ${hash}`);
  return match[1] as string;
}

/**
 * Saves a screenshot of the viewport to `docs/images/dashboard-<name>.png` when
 * `UPDATE_SCREENSHOTS=1` (the README shows them); otherwise does nothing, so a test run leaves the
 * working tree as it was.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== "1") return;
  const dir = join(__dirname, "..", "..", "docs", "images");
  mkdirSync(dir, { recursive: true });
  // No hover highlight from the last click; nothing blinks or moves mid-capture.
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(dir, `dashboard-${name}.png`), fullPage: false, animations: "disabled", caret: "hide" });
}
