import type { IncomingMessage, ServerResponse } from "node:http";
import { Ferry } from "@ferry/sdk";
import { serve } from "@ferry/sdk/node";
import { startDevServer, type RunningDevServer } from "../../dev/start-dev-server";
import { startAppServer, type AppServer } from "../support/app-server";
import { FerryApi, type RunView } from "../support/ferry-api";

/** The app id: every function id below is `demo-<id>`. */
export const APP_ID = "demo";

/** A function name made of markup: the dashboard must show it as text. */
export const MARKUP_FUNCTION_NAME = '<img src=x onerror="window.__xss=1">';
/** The markup function's step name and output. */
export const MARKUP_STEP_NAME = "<b onmouseover=alert(1)>step</b>";
export const MARKUP_OUTPUT = { html: "<script>window.__xss=2</script>" };

/** Engine ids of the bed's functions. */
export const FN = {
  greet: `${APP_ID}-greet`,
  nap: `${APP_ID}-nap`,
  flaky: `${APP_ID}-flaky`,
  typing: `${APP_ID}-typing`,
  child: `${APP_ID}-child`,
  parent: `${APP_ID}-parent`,
  markup: `${APP_ID}-markup`,
} as const;

/** The outputs of greet's three steps, and its result. */
export const GREET_STEPS = [
  { name: "look-up-user", output: { user: "ada", plan: "pro" } },
  { name: "compose-greeting", output: { text: "Hello, Ada!", locale: "en-GB" } },
  { name: "send-greeting", output: { delivered: true, channel: "email" } },
] as const;

/** A real `ferry dev` (in process, in memory) with a real app served over HTTP by our SDK. */
export interface DashboardBed {
  /** The dev server's base URL, which also serves the dashboard at `/`. */
  url: string;
  appUrl: string;
  api: FerryApi;
  /** While true, `flaky` throws "broken on purpose". */
  flaky: { broken: boolean };
  /** Sends one event through `POST /e/test`; returns its id. */
  send(name: string, data?: unknown): Promise<string>;
  /** The first run the event started, once it exists (any status). */
  runOf(eventId: string, functionId?: string): Promise<RunView>;
  /** Waits until `check(run)` holds for the run, returning it. */
  runUntil(runId: string, what: string, check: (run: RunView) => boolean): Promise<RunView>;
  close(): Promise<void>;
}

/** Starts the dev server and the demo app and waits until the app's functions are registered. */
export async function startDashboardBed(): Promise<DashboardBed> {
  // The app server must exist before the dev server (which syncs it on start), and the SDK client
  // needs the dev server's URL: requests wait until the handler is in place.
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let setReady!: () => void;
  const ready = new Promise<void>((resolve) => (setReady = resolve));
  const app: AppServer = await startAppServer((req, res) => void ready.then(() => handler?.(req, res)));

  let dev: RunningDevServer | undefined;
  try {
    dev = await startDevServer({ port: 0, host: "127.0.0.1", database: ":memory:", urls: [app.serveUrl], example: false, virtualClock: false, quiet: true }, () => undefined);
    const flaky = { broken: true };
    handler = serve(demoApp(dev.url, flaky));
    setReady();

    const api = new FerryApi(dev.url);
    await api.waitForFunctions(Object.values(FN));
    const running = dev;
    return {
      url: dev.url,
      appUrl: app.serveUrl,
      api,
      flaky,
      send: async (name, data = {}) => (await api.send({ name, data }))[0] as string,
      runOf: (eventId, functionId) =>
        api.until(`a run of event ${eventId}`, async () => (await api.runsOf(eventId)).find((run) => !functionId || run.function_id === functionId)),
      runUntil: (runId, what, check) =>
        api.until(`run ${runId}: ${what}`, async () => {
          const run = await api.run(runId);
          return check(run) ? run : undefined;
        }),
      close: async () => {
        await running.close();
        await app.close();
      },
    };
  } catch (error) {
    setReady();
    await dev?.close();
    await app.close();
    throw error;
  }
}

function demoApp(devUrl: string, flaky: { broken: boolean }) {
  const ferry = new Ferry({ id: APP_ID, isDev: true, baseUrl: devUrl });
  const greet = ferry.createFunction({ id: "greet" }, { event: "demo/greet" }, async ({ event, step }) => {
    const results: unknown[] = [];
    for (const { name, output } of GREET_STEPS) results.push(await step.run(name, () => ({ ...output })));
    return { greeted: (event.data as { name?: string }).name ?? "someone", steps: results.length };
  });
  const nap = ferry.createFunction({ id: "nap" }, { event: "demo/nap" }, async ({ step }) => {
    await step.run("get-ready", () => ({ ready: true }));
    await step.sleep("nap", "1h");
    return { rested: true };
  });
  const flakyFn = ferry.createFunction({ id: "flaky", retries: 0 }, { event: "demo/flaky" }, async ({ step }) =>
    step.run("fetch-report", () => {
      if (flaky.broken) throw new Error("broken on purpose");
      return { report: "fixed" };
    }),
  );
  const typing = ferry.createFunction({ id: "typing", debounce: { period: "1m" } }, { event: "demo/typing" }, async ({ event }) => ({ text: event.data }));
  const child = ferry.createFunction({ id: "child" }, { event: "demo/child" }, async ({ event }) => ({ doubled: (event.data as { n: number }).n * 2 }));
  const parent = ferry.createFunction({ id: "parent" }, { event: "demo/parent" }, async ({ step }) => step.invoke("call-child", { function: child, data: { n: 21 } }));
  const markup = ferry.createFunction({ id: "markup", name: MARKUP_FUNCTION_NAME }, { event: "demo/markup" }, async ({ step }) =>
    step.run(MARKUP_STEP_NAME, () => ({ ...MARKUP_OUTPUT })),
  );
  return { client: ferry, functions: [greet, nap, flakyFn, typing, child, parent, markup] };
}
