import { JOB_TYPES, jobGroup, jobId, type Job } from "./job";

/**
 * A job's id names its timer on EventBridge Scheduler and deduplicates it on SQS FIFO; its group
 * orders it. Both are built partly from user text (step ids, keys, cron expressions, event
 * names), which must never break the platform's name rules or make two different jobs collide.
 */
const SCHEDULER_NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
/** SQS FIFO MessageGroupId: 1-128 characters; we hold groups to the stricter name alphabet. */
const GROUP_NAME = /^[0-9a-zA-Z_.-]{1,128}$/;

const RUN = "01JQ7ZK4M9X2V8C3N5B6T0R1YA";
const OTHER_RUN = "01JQ7ZK4M9X2V8C3N5B6T0R1YB";
const EVENT = "01JQ7ZK4M9X2V8C3N5B6T0R1YC";
const PARKED = "01JQ7ZK4M9X2V8C3N5B6T0R1YD";

const hostile = [
  "step with spaces",
  "a/b/../../etc/passwd",
  "ünïcødé-步骤-🚀",
  "x".repeat(500),
  "",
  "dots.and-dashes_ok",
  "new\nline\ttab\u0000nul",
  'quote"s and \\backslash',
];

/** One of every job type, with `text` wherever a job carries user-chosen text. */
function everyJob(text: string): Job[] {
  return [
    { type: "call", runId: RUN, attempt: 0, position: 0 },
    { type: "call", runId: RUN, attempt: 3, position: 17 },
    { type: "call", runId: RUN, attempt: 0 },
    { type: "call", runId: RUN, attempt: 20, position: 1000, parked: PARKED },
    { type: "call", runId: RUN, stepId: text, attempt: 0 },
    { type: "call", runId: RUN, stepId: text, attempt: 20, parked: PARKED },
    { type: "wake", runId: RUN, stepId: text },
    { type: "wait-timeout", runId: RUN, stepId: text },
    { type: "route", eventId: EVENT },
    { type: "route", eventId: EVENT, functionId: text },
    { type: "route", eventId: EVENT, name: text },
    { type: "cron", functionId: text, cron: `${text} */5 * * * *`, at: Date.parse("9999-12-31T23:59:00Z") },
    { type: "debounce", functionId: text, key: text },
    { type: "batch", functionId: text, key: text, batchId: text },
    { type: "run-timeout", runId: RUN, kind: "start" },
    { type: "run-timeout", runId: RUN, kind: "finish" },
    { type: "concurrency-recheck", key: text },
  ];
}

describe("jobId", () => {
  it.each(hostile.map((text) => [JSON.stringify(text).slice(0, 40), text]))("fits EventBridge Scheduler names for every job type with user text %s", (_label, text) => {
    const bad = everyJob(text)
      .map((job) => ({ job: job.type, id: jobId(job) }))
      .filter(({ id }) => !SCHEDULER_NAME.test(id));
    expect(bad).toEqual([]);
  });

  it("covers every job type", () => {
    const types = new Set(everyJob("k").map((job) => job.type));
    expect([...types].sort()).toEqual([...JOB_TYPES].sort());
  });

  it("is equal for equal jobs, however they were built", () => {
    for (const job of everyJob("same key")) {
      const copy = JSON.parse(JSON.stringify(job)) as Job;
      const reordered = Object.fromEntries(Object.entries(job).reverse()) as Job;
      expect(jobId(copy)).toBe(jobId(job));
      expect(jobId(reordered)).toBe(jobId(job));
      expect(jobGroup(copy)).toBe(jobGroup(job));
    }
  });

  it("differs for different work", () => {
    const pairs: Array<[string, Job, Job]> = [
      ["discovery attempt", { type: "call", runId: RUN, attempt: 0, position: 2 }, { type: "call", runId: RUN, attempt: 1, position: 2 }],
      ["discovery position", { type: "call", runId: RUN, attempt: 0, position: 2 }, { type: "call", runId: RUN, attempt: 0, position: 3 }],
      ["discovery with and without position", { type: "call", runId: RUN, attempt: 0, position: 0 }, { type: "call", runId: RUN, attempt: 0 }],
      ["discovery vs step call", { type: "call", runId: RUN, attempt: 0, position: 0 }, { type: "call", runId: RUN, stepId: "s", attempt: 0 }],
      ["run", { type: "call", runId: RUN, attempt: 0, position: 0 }, { type: "call", runId: OTHER_RUN, attempt: 0, position: 0 }],
      ["step", { type: "call", runId: RUN, stepId: "a", attempt: 0 }, { type: "call", runId: RUN, stepId: "b", attempt: 0 }],
      ["step attempt", { type: "call", runId: RUN, stepId: "a", attempt: 0 }, { type: "call", runId: RUN, stepId: "a", attempt: 1 }],
      ["parked call vs its plain call", { type: "call", runId: RUN, stepId: "a", attempt: 0 }, { type: "call", runId: RUN, stepId: "a", attempt: 0, parked: PARKED }],
      ["parked twice", { type: "call", runId: RUN, attempt: 0, position: 1, parked: PARKED }, { type: "call", runId: RUN, attempt: 0, position: 1, parked: EVENT }],
      ["long steps sharing a 400-char prefix", { type: "call", runId: RUN, stepId: `${"x".repeat(400)}a`, attempt: 0 }, { type: "call", runId: RUN, stepId: `${"x".repeat(400)}b`, attempt: 0 }],
      ["wake step", { type: "wake", runId: RUN, stepId: "a" }, { type: "wake", runId: RUN, stepId: "b" }],
      ["wake vs wait-timeout", { type: "wake", runId: RUN, stepId: "a" }, { type: "wait-timeout", runId: RUN, stepId: "a" }],
      ["wait-timeout step", { type: "wait-timeout", runId: RUN, stepId: "ünï" }, { type: "wait-timeout", runId: RUN, stepId: "uni" }],
      ["route target", { type: "route", eventId: EVENT }, { type: "route", eventId: EVENT, functionId: "fn" }],
      ["route function", { type: "route", eventId: EVENT, functionId: "fn-a" }, { type: "route", eventId: EVENT, functionId: "fn-b" }],
      ["cron tick", { type: "cron", functionId: "f", cron: "* * * * *", at: 60_000 }, { type: "cron", functionId: "f", cron: "* * * * *", at: 120_000 }],
      ["cron expression", { type: "cron", functionId: "f", cron: "* * * * *", at: 60_000 }, { type: "cron", functionId: "f", cron: "*/2 * * * *", at: 60_000 }],
      ["cron function", { type: "cron", functionId: "f", cron: "* * * * *", at: 60_000 }, { type: "cron", functionId: "g", cron: "* * * * *", at: 60_000 }],
      ["cron parts that join alike", { type: "cron", functionId: "a b", cron: "c", at: 60_000 }, { type: "cron", functionId: "a", cron: "b c", at: 60_000 }],
      ["debounce key", { type: "debounce", functionId: "f", key: "user 1" }, { type: "debounce", functionId: "f", key: "user 2" }],
      ["debounce key case", { type: "debounce", functionId: "f", key: "User" }, { type: "debounce", functionId: "f", key: "user" }],
      ["batch key", { type: "batch", functionId: "f", key: "k1", batchId: "b" }, { type: "batch", functionId: "f", key: "k2", batchId: "b" }],
      ["batch id", { type: "batch", functionId: "f", key: "k", batchId: "b1" }, { type: "batch", functionId: "f", key: "k", batchId: "b2" }],
      ["batch parts that join alike", { type: "batch", functionId: "f", key: "ab", batchId: "c" }, { type: "batch", functionId: "f", key: "a", batchId: "bc" }],
      ["run-timeout kind", { type: "run-timeout", runId: RUN, kind: "start" }, { type: "run-timeout", runId: RUN, kind: "finish" }],
      ["concurrency key", { type: "concurrency-recheck", key: "a/b" }, { type: "concurrency-recheck", key: "a_b" }],
      ["same key, different kind of work", { type: "debounce", functionId: "f", key: "k" }, { type: "concurrency-recheck", key: "k" }],
    ];
    const collisions = pairs.filter(([, a, b]) => jobId(a) === jobId(b)).map(([label]) => label);
    expect(collisions).toEqual([]);
  });

  it("gives distinct ids to the jobs of many runs, steps and keys", () => {
    const jobs: Job[] = [];
    for (let i = 0; i < 200; i++) {
      const runId = `${RUN.slice(0, 20)}${String(i).padStart(6, "0")}`;
      for (const job of everyJob(`key-${i}`)) {
        // A route names its event, not user text (its `name` only orders it): vary the event.
        if (job.type === "route") jobs.push({ ...job, eventId: runId });
        else jobs.push("runId" in job ? ({ ...job, runId } as Job) : job);
      }
    }
    const routeOnly = (job: Job) => job.type === "route" && job.functionId === undefined;
    const distinct = jobs.filter((job) => !(routeOnly(job) && job.type === "route" && job.name !== undefined));
    expect(new Set(distinct.map(jobId)).size).toBe(distinct.length);
  });
});

describe("jobGroup", () => {
  it.each(hostile.map((text) => [JSON.stringify(text).slice(0, 40), text]))("is a valid SQS FIFO group for every job type with user text %s", (_label, text) => {
    const bad = everyJob(text)
      .map((job) => ({ job: job.type, group: jobGroup(job) }))
      .filter(({ group }) => !GROUP_NAME.test(group));
    expect(bad).toEqual([]);
  });

  it("gives parallel step calls of one run groups of their own, so they run side by side", () => {
    const steps = ["a", "b", "c", "a b", "ünï", "x".repeat(500)];
    const groups = steps.map((stepId) => jobGroup({ type: "call", runId: RUN, stepId, attempt: 0 }));
    expect(new Set(groups).size).toBe(steps.length);
    expect(groups).not.toContain(RUN);
    // A step's retries and a parked call stay in that step's group.
    expect(jobGroup({ type: "call", runId: RUN, stepId: "a", attempt: 2 })).toBe(groups[0]);
    expect(jobGroup({ type: "call", runId: RUN, stepId: "a", attempt: 0, parked: PARKED })).toBe(groups[0]);
  });

  it("keeps a run's discovery, wake, wait-timeout and run-timeout in the run's group, in order", () => {
    const ofRun: Job[] = [
      { type: "call", runId: RUN, attempt: 0, position: 0 },
      { type: "call", runId: RUN, attempt: 2, position: 5 },
      { type: "call", runId: RUN, attempt: 0 },
      { type: "call", runId: RUN, attempt: 0, position: 1, parked: PARKED },
      { type: "wake", runId: RUN, stepId: "nap" },
      { type: "wake", runId: RUN, stepId: "other nap" },
      { type: "wait-timeout", runId: RUN, stepId: "wait" },
      { type: "run-timeout", runId: RUN, kind: "finish" },
    ];
    expect(new Set(ofRun.map(jobGroup))).toEqual(new Set([jobGroup(ofRun[0] as Job)]));
    expect(jobGroup({ type: "call", runId: OTHER_RUN, attempt: 0, position: 0 })).not.toBe(jobGroup(ofRun[0] as Job));
    expect(jobGroup({ type: "wake", runId: OTHER_RUN, stepId: "nap" })).not.toBe(jobGroup(ofRun[4] as Job));
  });

  it("orders routing per event name, and keeps keyed flow control per key", () => {
    expect(jobGroup({ type: "route", eventId: EVENT, name: "user/signed up" })).toBe(jobGroup({ type: "route", eventId: RUN, name: "user/signed up" }));
    expect(jobGroup({ type: "route", eventId: EVENT, name: "a" })).not.toBe(jobGroup({ type: "route", eventId: EVENT, name: "b" }));
    expect(jobGroup({ type: "debounce", functionId: "f", key: "k" })).toBe(jobGroup({ type: "batch", functionId: "f", key: "k", batchId: "b" }));
    expect(jobGroup({ type: "debounce", functionId: "f", key: "k1" })).not.toBe(jobGroup({ type: "debounce", functionId: "f", key: "k2" }));
  });
});
