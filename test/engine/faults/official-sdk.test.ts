import { startOfficialSdkFerry } from "../../support/official-sdk-ferry";
import { crashPoints, runScenario, underTest, type Outcome, type StartFerry } from "./fault-harness";
import { officialScenarios, sendEventWithoutId, type OfficialScenario } from "./official-scenarios";

/**
 * Every job converges (docs/architecture.md) with the official `inngest` SDK (v4) as the app:
 * the fault harness of convergence.test.ts, with the app served by `inngest/node` on a loopback
 * port and the engine's API on another (test/support/official-sdk-ferry.ts), so every call and
 * every registration, `inngest.send` and `step.sendEvent` crosses real HTTP. The virtual clock
 * still runs sleeps, timeouts, retries and debounces at once.
 *
 * Crash points: every k from 1 to the most port calls any job of the clean run made (9 to 21
 * here), in both modes, for every job's first delivery and every checkpoint request's first
 * try (the SDK checkpoints its steps: the engine sends `ctx.fn_id`); the scenarios are small
 * enough that no stride is needed.
 */
const on =
  (scenario: OfficialScenario, settings: { checkpointing?: boolean } = {}): StartFerry =>
  async (options) =>
    underTest(await startOfficialSdkFerry(scenario.functions, { ...options, settings: { ...options.settings, ...settings } }));

describe.each(officialScenarios)("official SDK: every job converges: $name", (scenario) => {
  let clean: Outcome;

  beforeAll(async () => {
    clean = await runScenario(scenario, { mode: "clean" }, on(scenario));
  });

  it("runs clean to an ending with no live run", () => {
    expect(clean.live).toEqual([]);
    expect(clean.memoChanges).toEqual([]);
    expect(clean.badNames).toEqual([]);
    expect(clean.runs.length).toBeGreaterThan(0);
    expect(clean.runs.every((line) => /: (Completed|Failed|Cancelled) /.test(line))).toBe(true);
    expect(crashPoints(clean).length).toBeGreaterThan(3);
  });

  it("reports steps through the checkpoint API, whose requests the harness crashes too", () => {
    const checkpoints = [...clean.callsPerJob].filter(([key]) => key.startsWith("checkpoint."));
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.every(([, calls]) => calls > 0)).toBe(true);
  });

  it.each(["throw-before", "throw-after"] as const)("ends as the clean run when every job crashes at each port call (%s) and is delivered again", async (mode) => {
    for (const k of crashPoints(clean)) {
      const faulty = await runScenario(scenario, { mode, k }, on(scenario));
      expect({ k, live: faulty.live, memoChanges: faulty.memoChanges, badNames: faulty.badNames }).toEqual({ k, live: [], memoChanges: [], badNames: [] });
      expect({ k, runs: faulty.runs }).toEqual({ k, runs: clean.runs });
    }
  }, 60_000);

  it("ends as the clean run when every job is delivered twice", async () => {
    const twice = await runScenario(scenario, { mode: "twice" }, on(scenario));
    expect(twice.live).toEqual([]);
    expect(twice.memoChanges).toEqual([]);
    expect(twice.badNames).toEqual([]);
    expect(twice.runs).toEqual(clean.runs);
  });
});

/**
 * The official SDK's `step.sendEvent` gives the events it sends no id, and sends them from inside
 * the call. Without checkpoints, a job that crashes after the call returned and before the
 * engine memoized the step calls the app again, which sends the event again: delivery is at
 * least once, as on Inngest (our SDK derives ids from the run and step, and the app can pass its
 * own `id`, as the process-video scenario does, to get exactly once). With checkpoints the step
 * is memoized through the checkpoint before the call goes on, so that window is gone. Either
 * way the sending run converges exactly; the runs its event triggers are copies of the clean one.
 */
describe.each([
  { checkpointing: true, doubles: "never" },
  { checkpointing: false, doubles: "sometimes" },
])("official SDK: step.sendEvent without an event id (checkpointing $checkpointing)", ({ checkpointing, doubles }) => {
  const sender = (line: string) => line.startsWith("app-announce ");
  const start = on(sendEventWithoutId, { checkpointing });
  let clean: Outcome;

  beforeAll(async () => {
    clean = await runScenario(sendEventWithoutId, { mode: "clean" }, start);
  });

  it("sends once when nothing fails", () => {
    expect(clean.live).toEqual([]);
    expect(clean.runs.filter(sender)).toHaveLength(1);
    expect(clean.runs.filter((line) => !sender(line))).toHaveLength(1);
  });

  it(`converges the sending run at every crash point, and ${doubles} starts the triggered run twice`, async () => {
    const triggered = clean.runs.find((line) => !sender(line));
    const doubled: string[] = [];
    for (const mode of ["throw-before", "throw-after"] as const) {
      for (const k of crashPoints(clean)) {
        const faulty = await runScenario(sendEventWithoutId, { mode, k }, start);
        expect({ mode, k, live: faulty.live, memoChanges: faulty.memoChanges, badNames: faulty.badNames }).toEqual({ mode, k, live: [], memoChanges: [], badNames: [] });
        expect({ mode, k, sender: faulty.runs.filter(sender) }).toEqual({ mode, k, sender: clean.runs.filter(sender) });
        const copies = faulty.runs.filter((line) => !sender(line));
        expect({ mode, k, distinct: [...new Set(copies)] }).toEqual({ mode, k, distinct: [triggered] });
        expect(copies.length).toBeGreaterThanOrEqual(1);
        expect(copies.length).toBeLessThanOrEqual(2);
        if (copies.length === 2) doubled.push(`${mode}:${k}`);
      }
    }
    // Without checkpoints the duplicate is real: crash points after the call, before the memo.
    if (doubles === "never") expect(doubled).toEqual([]);
    else expect(doubled).not.toEqual([]);
  }, 60_000);

  it("sends once when every job is delivered twice (a repeated delivery never calls the app again)", async () => {
    const twice = await runScenario(sendEventWithoutId, { mode: "twice" }, start);
    expect(twice.live).toEqual([]);
    expect(twice.runs).toEqual(clean.runs);
  });
});
