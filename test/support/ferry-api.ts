/** A thin client of the dev server's REST API for tests (polling here is fine: it is not the engine). */
export interface RunView {
  run_id: string;
  status: "Running" | "Completed" | "Failed" | "Cancelled";
  output: unknown;
  event_id: string | null;
  function_id: string;
  error?: { name?: string; message?: string };
  waiting?: { type: string; [key: string]: unknown };
  steps?: { id: string; name: string; status: string; attempts: number; output?: unknown; error?: unknown }[];
}

export class FerryApi {
  constructor(readonly url: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async send(events: unknown): Promise<string[]> {
    const response = await this.request<{ ids: string[]; error?: string }>("POST", "/e/test", events);
    if (response.status !== 200) throw new Error(`send failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.ids;
  }

  async runsOf(eventId: string): Promise<RunView[]> {
    return (await this.request<{ data: RunView[] }>("GET", `/v1/events/${eventId}/runs`)).body.data;
  }

  async run(runId: string): Promise<RunView> {
    return (await this.request<{ data: RunView }>("GET", `/v1/runs/${runId}`)).body.data;
  }

  /** Polls until `check` returns a value, or fails with the last state seen. */
  async until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const value = await check();
        if (value !== undefined) return value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The single run an event started, once it has ended. */
  async finishedRunOf(eventId: string, functionId?: string, timeoutMs?: number): Promise<RunView> {
    return this.until(`a finished run of event ${eventId}`, async () => {
      const runs = (await this.runsOf(eventId)).filter((run) => !functionId || run.function_id === functionId);
      const run = runs[0];
      return run && run.status !== "Running" ? this.run(run.run_id) : undefined;
    }, timeoutMs);
  }

  async functions(): Promise<{ id: string }[]> {
    return (await this.request<{ data: { id: string }[] }>("GET", "/v1/functions")).body.data;
  }

  /** Waits until the dev server lists these function ids (after an app sync). */
  async waitForFunctions(ids: string[]): Promise<void> {
    await this.until(`functions ${ids.join(", ")}`, async () => {
      const have = new Set((await this.functions()).map((fn) => fn.id));
      return ids.every((id) => have.has(id)) ? true : undefined;
    });
  }

  /** Waits until the engine has nothing due now (events sent are routed as jobs, after the send answered). */
  async idle(): Promise<void> {
    const response = await this.request("POST", "/v0/dev/idle", {});
    if (response.status !== 200) throw new Error(`idle failed: ${response.status}`);
  }

  async advance(ms: number): Promise<void> {
    const response = await this.request("POST", "/v0/dev/clock/advance", { ms });
    if (response.status !== 200) throw new Error(`advance failed: ${response.status}`);
  }
}
