import { crashPoints, runScenario, type Outcome, type Scenario, type StartFerry } from "../engine/faults/fault-harness";
import { scenarios } from "../engine/faults/scenarios";
import { startAwsFerry } from "./aws-ferry";

const onAws = (scenario: Scenario): StartFerry => (options) => startAwsFerry(scenario.functions, options);

/**
 * Crash points to try on AWS. Every point of every scenario takes about eight minutes on the
 * offline bed, so `npm test` tries at most three per scenario and mode, spread over the job's
 * port calls (first and last included); the local harness tries them all on the same core.
 * `FERRY_AWS_FAULTS=all` tries every one.
 */
function sampled(points: number[], most = process.env.FERRY_AWS_FAULTS === "all" ? Infinity : 3): number[] {
  if (points.length <= most) return points;
  return [...new Set(Array.from({ length: most }, (_, i) => points[Math.round((i * (points.length - 1)) / (most - 1))] as number))];
}

/**
 * Every job converges on the production adapters too: the fault harness of the crash-safe core
 * (test/engine/faults) runs each scenario on DynamoDB, SQS, Scheduler, EventBridge and S3 (the
 * offline bed), crashing every job at its port calls (see `sampled`), reordering, and delivering
 * twice, and expects exactly the clean run's ending, with no run left live and no memo changed.
 */
describe.each(scenarios)("on the AWS adapters, every job converges: $name", (scenario) => {
  let clean: Outcome;

  beforeAll(async () => {
    clean = await runScenario(scenario, { mode: "clean" }, onAws(scenario));
  }, 120_000);

  it("runs clean to the same ending as on the local engine", async () => {
    const local = await runScenario(scenario, { mode: "clean" });
    expect(clean.live).toEqual([]);
    expect(clean.memoChanges).toEqual([]);
    expect(clean.badNames).toEqual([]);
    expect(clean.runs).toEqual(local.runs);
  });

  it.each(["throw-before", "throw-after"] as const)("ends as the clean run when every job crashes at each port call (%s) and is delivered again", async (mode) => {
    for (const k of sampled(crashPoints(clean))) {
      const faulty = await runScenario(scenario, { mode, k }, onAws(scenario));
      expect({ k, live: faulty.live, memoChanges: faulty.memoChanges }).toEqual({ k, live: [], memoChanges: [] });
      expect({ k, runs: faulty.runs }).toEqual({ k, runs: clean.runs });
    }
  }, 600_000);

  it("ends as the clean run when jobs of different runs are delivered out of order", async () => {
    const reordered = await runScenario(scenario, { mode: "reorder", seed: 1 }, onAws(scenario));
    expect({ live: reordered.live, memoChanges: reordered.memoChanges }).toEqual({ live: [], memoChanges: [] });
    expect(reordered.runs).toEqual(clean.runs);
  }, 120_000);

  it("ends as the clean run when every job is delivered twice", async () => {
    const twice = await runScenario(scenario, { mode: "twice" }, onAws(scenario));
    expect(twice.live).toEqual([]);
    expect(twice.memoChanges).toEqual([]);
    expect(twice.runs).toEqual(clean.runs);
  }, 120_000);
});
