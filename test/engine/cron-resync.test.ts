import { createLocalEngine } from "../../adapters/local/local-engine";
import { registerApp, VirtualClock, type TimerRecord } from "../../core";
import { T0 } from "../support/in-process-ferry";

const withCron = (cron: string) => ({
  url: "http://app.test/api",
  appName: "app",
  functions: [{ id: "app-report", name: "report", triggers: [{ cron }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://app.test/api" } } } }],
});

/**
 * A cron trigger's timer lives as long as the trigger: re-syncing a function with another
 * schedule cancels the old one (on AWS a recurring Scheduler schedule, which would otherwise go
 * on firing into nothing) and schedules the new one.
 */
describe("re-syncing a function whose cron schedule changed", () => {
  it("cancels the old schedule's timer and schedules the new one", async () => {
    const engine = createLocalEngine({ database: ":memory:", clock: new VirtualClock(T0), caller: { call: async () => ({ status: 500, headers: {}, body: "" }) } });
    const scheduled: string[] = [];
    const cancelled: string[] = [];
    const timers = engine.deps.timers;
    engine.deps.timers = {
      schedule: (timer: TimerRecord) => (scheduled.push((timer.job as { cron: string }).cron), timers.schedule(timer)),
      cancel: (id: string) => (cancelled.push(id), timers.cancel(id)),
    };
    try {
      await registerApp(engine.deps, withCron("0 9 * * *"));
      await registerApp(engine.deps, withCron("0 18 * * *"));
      expect(scheduled).toEqual(["0 9 * * *", "0 18 * * *"]);
      expect(cancelled).toHaveLength(1);
      const rows = engine.db.prepare<[], { job: string }>("SELECT job FROM jobs").all().map((row) => (JSON.parse(row.job) as { cron: string }).cron);
      expect(rows).toEqual(["0 18 * * *"]);
    } finally {
      await engine.close();
    }
  });
});
