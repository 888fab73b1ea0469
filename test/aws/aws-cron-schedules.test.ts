import { nextCronTime, type Job } from "../../core";
import { processSqsBatch } from "../../adapters/aws/sqs/sqs-batch";
import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import { startAwsQueueBed, type AwsQueueBed } from "./aws-queue-bed";
import { startDynalite, type DynaliteBed } from "../../aws-local/dynalite-bed";

const MONDAY = Date.parse("2026-03-02T00:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

let dynamo: DynaliteBed;
let bed: AwsQueueBed;
/** Jobs delivered, with the bed's clock and where it last jumped to (lateness is judged by that: see `BedClock.landing`). */
let received: { job: Job; at: number; landing: number }[];

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

beforeEach(async () => {
  const stores = createDynamoDbStores({ client: dynamo.client, table: await dynamo.createTable() });
  bed = await startAwsQueueBed({ tokens: stores.timerTokens, start: MONDAY });
  received = [];
  bed.start((records) =>
    processSqsBatch(
      records,
      async (message) => {
        if ("timer" in message) return bed.timers.fire(message.timer);
        received.push({ job: message.job, at: bed.clock.now(), landing: bed.clock.landing() });
      },
      { maxDeliveries: 9, onDrop: async (_m, _d, error) => Promise.reject(error) },
    ),
  );
});
afterEach(() => bed.close());

const cronJob = (cron: string, at: number): Job => ({ type: "cron", functionId: "app-report", cron, at });

/** The points the core's cron parser gives from `from` (exclusive) up to `until`. */
function points(cron: string, from: number, until: number): number[] {
  const out: number[] = [];
  for (let at = nextCronTime(cron, from); at <= until; at = nextCronTime(cron, at)) out.push(at);
  return out;
}

describe("cron triggers as EventBridge Scheduler cron schedules", () => {
  const cron = "TZ=Europe/Paris 0 9 * * 1-5";

  it("keeps a trigger as one recurring schedule that fires at each point the core's parser gives, with that point as the job's time", async () => {
    const first = nextCronTime(cron, MONDAY);
    await bed.timers.schedule({ id: "cron.weekday-report", at: first, job: cronJob(cron, first) });
    const [schedule] = bed.scheduler.schedules(bed.scheduleGroup);
    expect(schedule).toMatchObject({ name: "cron.weekday-report", expression: "cron(0 9 ? * 2-6 *)", timezone: "Europe/Paris", actionAfterCompletion: "NONE" });

    // The core schedules the next tick after each one: the same schedule is written again.
    await bed.timers.schedule({ id: "cron.weekday-report", at: nextCronTime(cron, first), job: cronJob(cron, nextCronTime(cron, first)) });
    expect(bed.scheduler.schedules(bed.scheduleGroup)).toHaveLength(1);

    await bed.advance(7 * DAY);
    const expected = points(cron, MONDAY, MONDAY + 7 * DAY);
    expect(expected).toHaveLength(5);
    expect(received.map((r) => (r.job as Extract<Job, { type: "cron" }>).at)).toEqual(expected);
    // Scheduler fires within the minute of each point (the bed at its latest edge).
    received.forEach((r, k) => {
      expect(r.at).toBeGreaterThanOrEqual(expected[k]!);
      expect(r.landing).toBeLessThan(expected[k]! + 62_000);
    });
  });

  it("deletes the schedule when the trigger's timer is cancelled, and nothing fires after", async () => {
    const first = nextCronTime(cron, MONDAY);
    await bed.timers.schedule({ id: "cron.weekday-report", at: first, job: cronJob(cron, first) });
    await bed.timers.cancel("cron.weekday-report");
    expect(bed.scheduler.schedules(bed.scheduleGroup)).toEqual([]);
    await bed.advance(3 * DAY);
    expect(received).toEqual([]);
  });

  it("falls back to one-time schedules for what Scheduler's cron cannot express (standard cron's day-of-month OR day-of-week)", async () => {
    const odd = "0 9 1 * 1";
    const first = nextCronTime(odd, MONDAY);
    await bed.timers.schedule({ id: "cron.odd", at: first, job: cronJob(odd, first) });
    const [schedule] = bed.scheduler.schedules(bed.scheduleGroup);
    expect(schedule?.expression).toMatch(/^at\(/);
    expect(schedule?.actionAfterCompletion).toBe("DELETE");
    await bed.advance(first - bed.clock.now() + 2000);
    expect(received.map((r) => r.job)).toEqual([cronJob(odd, first)]);
  });

  it("writes the schedule on the next sync when the first write failed after the token was stored", async () => {
    const first = nextCronTime(cron, MONDAY);
    bed.scheduler.throttleNext(5); // every attempt the timers' client makes (adaptive retry, 5 attempts)
    await expect(bed.timers.schedule({ id: "cron.weekday-report", at: first, job: cronJob(cron, first) })).rejects.toThrow();
    expect(bed.scheduler.schedules(bed.scheduleGroup)).toEqual([]);
    await bed.timers.schedule({ id: "cron.weekday-report", at: first, job: cronJob(cron, first) });
    expect(bed.scheduler.schedules(bed.scheduleGroup)).toHaveLength(1);
    await bed.advance(DAY);
    expect(received.map((r) => (r.job as Extract<Job, { type: "cron" }>).at)).toEqual([first]);
  }, 60_000);
});
