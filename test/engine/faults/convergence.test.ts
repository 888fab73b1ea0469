import { crashPoints, runScenario, type Outcome } from "./fault-harness";
import { scenarios } from "./scenarios";

/**
 * Every job converges (DESIGN.md): for each scenario, crash every job at each of its port calls
 * in turn (before the call, and after it with the answer lost), deliver it again, and expect
 * exactly the clean run's ending. Then deliver every job twice.
 */
describe.each(scenarios)("every job converges: $name", (scenario) => {
  let clean: Outcome;

  beforeAll(async () => {
    clean = await runScenario(scenario, { mode: "clean" });
  });

  it("runs clean to an ending with no live run", () => {
    expect(clean.live).toEqual([]);
    expect(clean.memoChanges).toEqual([]);
    expect(clean.badNames).toEqual([]);
    expect(clean.runs.length).toBeGreaterThan(0);
    expect(crashPoints(clean).length).toBeGreaterThan(3);
  });

  it.each(["throw-before", "throw-after"] as const)("ends as the clean run when every job crashes at each port call (%s) and is delivered again", async (mode) => {
    for (const k of crashPoints(clean)) {
      const faulty = await runScenario(scenario, { mode, k });
      expect({ k, live: faulty.live, memoChanges: faulty.memoChanges }).toEqual({ k, live: [], memoChanges: [] });
      expect({ k, runs: faulty.runs }).toEqual({ k, runs: clean.runs });
    }
  }, 120_000);

  it.each([1, 2, 3])("ends as the clean run when jobs of different runs are delivered out of order (seed %i)", async (seed) => {
    const reordered = await runScenario(scenario, { mode: "reorder", seed });
    expect({ live: reordered.live, memoChanges: reordered.memoChanges, badNames: reordered.badNames }).toEqual({ live: [], memoChanges: [], badNames: [] });
    expect(reordered.runs).toEqual(clean.runs);
  });

  it("ends as the clean run when every job is delivered twice", async () => {
    const twice = await runScenario(scenario, { mode: "twice" });
    expect(twice.live).toEqual([]);
    expect(twice.memoChanges).toEqual([]);
    expect(twice.runs).toEqual(clean.runs);
  });
});
