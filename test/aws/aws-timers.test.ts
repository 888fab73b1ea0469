import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SendMessageCommand, type SendMessageCommandInput } from "@aws-sdk/client-sqs";
import { jobId, ThrottledError, type Job, type TimerRecord } from "../../core";
import { aWake, byId } from "../../adapters/contract/job-fixtures";
import { awsClientConfig } from "../../adapters/aws/aws-client-config";
import { createDynamoDbStores } from "../../adapters/aws/dynamodb/dynamodb-stores";
import type { TimerFiring } from "../../adapters/aws/sqs/queue-message";
import { processSqsBatch } from "../../adapters/aws/sqs/sqs-batch";
import { AwsTimers, type AwsTimersOptions } from "../../adapters/aws/timers/aws-timers";
import type { TimerTokenStore } from "../../adapters/aws/timers/timer-token-store";
import { BED_SCHEDULE_GROUP, BED_VISIBILITY_SECONDS, startAwsQueueBed, type AwsQueueBed } from "./aws-queue-bed";
import { startDynalite, type DynaliteBed } from "../../aws-local/dynalite-bed";
import { BED_CREDENTIALS } from "../../aws-local/sqs-server";

/**
 * What only AWS brings to the timers (AwsTimers on the offline bed: local-aws-sqs, the Scheduler
 * emulator firing in the last second of its minute, tokens in DynamoDB): the 15-minute SQS delay
 * limit, Scheduler's minute precision and name rules, firings that cannot be recalled and may
 * come twice, and throttling. The shared Timers contract covers the rest.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
/** How late a job may reach the handler after its `at`: SQS delays count whole seconds. */
const TOLERANCE = 2 * SECOND;
const REDELIVERY = (BED_VISIBILITY_SECONDS + 1) * SECOND;
/** Scheduler's rule for schedule names. */
const SCHEDULE_NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

let dynamo: DynaliteBed;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

interface Stamped<T> {
  value: T;
  /** The bed's clock when it came. */
  at: number;
  /** Where the bed's clock last jumped to when it came: lateness is judged by it (see `BedClock.landing`). */
  landing: number;
}

/** A bed with a consumer that records every job delivered and every timer firing handed to the timers. */
interface Harness {
  bed: AwsQueueBed;
  tokens: TimerTokenStore;
  /** Jobs that reached the handler, stamped with the bed's clock. */
  received: Stamped<Job>[];
  /** Firings that reached `fire` (from the delay queue), stamped with the bed's clock. */
  firings: Stamped<TimerFiring>[];
  /** How many `fire` calls have finished (resolved or rejected). */
  firesDone(): number;
  /** Bodies sent to the delay queue, with their DelaySeconds. */
  delaySends: SendMessageCommandInput[];
  /** Starts consuming; firings go to `timers` (the bed's own by default), jobs are recorded, then given to `handle`. */
  start(options?: { timers?: AwsTimers; handle?: (job: Job) => Promise<void> }): void;
  /** Moves the bed's clock to `at` (never backwards), delivering what falls due. */
  advanceTo(at: number): Promise<void>;
  now(): number;
}

async function withHarness(test: (h: Harness) => Promise<void>, tokens?: (store: TimerTokenStore) => TimerTokenStore): Promise<void> {
  const stores = createDynamoDbStores({ client: dynamo.client, table: await dynamo.createTable() });
  const store = tokens ? tokens(stores.timerTokens) : stores.timerTokens;
  const bed = await startAwsQueueBed({ tokens: store });
  const delaySends: SendMessageCommandInput[] = [];
  bed.sqs.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as SendMessageCommandInput;
      if (context.commandName === "SendMessageCommand" && input.QueueUrl === bed.delayQueueUrl) delaySends.push({ ...input });
      return next(args);
    },
    { step: "initialize", name: "recordDelaySends" },
  );
  const received: Stamped<Job>[] = [];
  const firings: Stamped<TimerFiring>[] = [];
  let firesDone = 0;
  const h: Harness = {
    bed,
    tokens: stores.timerTokens,
    received,
    firings,
    delaySends,
    firesDone: () => firesDone,
    now: () => bed.clock.now(),
    start: ({ timers = bed.timers, handle } = {}) =>
      bed.start((records) =>
        processSqsBatch(
          records,
          async (message) => {
            if ("timer" in message) {
              firings.push({ value: message.timer, at: bed.clock.now(), landing: bed.clock.landing() });
              await timers.fire(message.timer).finally(() => firesDone++);
            } else {
              received.push({ value: message.job, at: bed.clock.now(), landing: bed.clock.landing() });
              await handle?.(message.job);
            }
          },
          { maxDeliveries: 100, onDrop: (_message, _deliveries, error) => Promise.reject(error) },
        ),
      ),
    advanceTo: (at) => bed.advance(Math.max(0, at - bed.clock.now())),
  };
  let failures: string[] = [];
  try {
    await test(h);
  } finally {
    failures = bed.pollerFailures();
    await bed.close();
  }
  if (failures.length > 0) throw new Error(`the bed's pollers failed: ${failures.join("; ")}`);
}

/** The options the bed built its AwsTimers with, to build another one beside it (another Scheduler client, another token store). */
function optionsOf(timers: AwsTimers): AwsTimersOptions {
  return (timers as unknown as { options: AwsTimersOptions }).options;
}

/** A Scheduler client of the bed's emulator with its own retry budget. */
function schedulerClient(bed: AwsQueueBed, maxAttempts: number): SchedulerClient {
  return new SchedulerClient(awsClientConfig({ region: "us-east-1", endpoint: bed.schedulerEndpoint, credentials: BED_CREDENTIALS, maxAttempts }));
}

/** The instant an `at(yyyy-mm-ddThh:mm:ss)` expression in UTC names. */
function atInstant(expression: string): number {
  const match = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(expression);
  if (!match) throw new Error(`not an at() expression: ${expression}`);
  return Date.parse(`${match[1]}Z`);
}

const jobs = (received: Stamped<Job>[]) => received.map((r) => r.value);
const operations = (h: Harness) => h.bed.scheduler.calls.map((c) => c.operation);

/** Expects exactly `job`, once, not before `at` and before the bed jumped past `at + tolerance`. */
function expectDeliveredOnce(h: Harness, job: Job, at: number, tolerance = TOLERANCE): void {
  const of = h.received.filter((r) => jobId(r.value) === jobId(job));
  expect(of.map((r) => r.value)).toEqual([job]);
  expect(of[0]?.at).toBeGreaterThanOrEqual(at);
  expect(of[0]?.landing).toBeLessThanOrEqual(at + tolerance);
}

const TIMEOUT = 30_000;

/** Resolves once `condition` holds (checked every few real milliseconds), or rejects after `ms`. */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("AwsTimers on SQS and EventBridge Scheduler", () => {
  it(
    "sends a timer 40 s away to the delay queue with its delay rounded up to the second, and delivers it within a second of `at`, never before",
    () =>
      withHarness(async (h) => {
        h.start();
        const job = aWake("delay40", "nap");
        const at = h.now() + 40 * SECOND - 300;
        await h.bed.timers.schedule({ id: jobId(job), at, job });
        expect(operations(h)).toEqual(["CreateScheduleGroup"]);
        expect(h.delaySends.map((s) => s.DelaySeconds)).toEqual([40]);
        expect(await h.bed.sqs.pending(h.bed.delayQueueUrl)).toBe(1);
        expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(0);

        await h.advanceTo(at - SECOND);
        expect(h.received).toEqual([]);
        await h.advanceTo(at + SECOND);
        expectDeliveredOnce(h, job, at, SECOND + 250);
        await h.bed.advance(REDELIVERY);
        expect(jobs(h.received)).toEqual([job]);
        expect(await h.tokens.get(jobId(job))).toBeUndefined();
      }),
    TIMEOUT,
  );

  it(
    "makes a timer 3 days away a one-time schedule that fires a minute or more early, hands over to the delay queue, delivers on time and cleans up",
    () =>
      withHarness(async (h) => {
        h.start();
        const job = aWake("days3", "nap");
        const id = jobId(job);
        const at = h.now() + 3 * DAY + 17_500;
        await h.bed.timers.schedule({ id, at, job });

        expect(h.bed.scheduler.calls.filter((c) => c.operation === "CreateSchedule")).toEqual([expect.objectContaining({ name: id, group: BED_SCHEDULE_GROUP, status: 200 })]);
        expect(h.delaySends).toEqual([]);
        const schedules = h.bed.scheduler.schedules();
        expect(schedules).toEqual([
          expect.objectContaining({ name: id, group: BED_SCHEDULE_GROUP, timezone: "UTC", state: "ENABLED", actionAfterCompletion: "DELETE", target: expect.objectContaining({ Arn: h.bed.sqs.arnOf("ferry-delay") }) }),
        ]);
        const schedule = schedules[0] as (typeof schedules)[number];
        // Scheduler may invoke anywhere in the minute of the point: all of that minute lies at least
        // a minute before `at`, and within the 15 minutes an SQS delay can cover.
        const minute = Math.floor(atInstant(schedule.expression) / MINUTE) * MINUTE;
        expect(minute + MINUTE).toBeLessThanOrEqual(at - MINUTE);
        expect(at - minute).toBeLessThanOrEqual(15 * MINUTE);
        expect(JSON.parse(schedule.target.Input ?? "")).toEqual({ v: 1, timer: { id, at, token: expect.any(String), job } });
        expect(await h.tokens.get(id)).toEqual({ id, at, job, token: JSON.parse(schedule.target.Input ?? "").timer.token });

        await h.advanceTo(at - 3 * MINUTE);
        expect(h.received).toEqual([]);
        expect(h.bed.scheduler.deliveries).toEqual([]);

        await h.advanceTo(at + TOLERANCE);
        expectDeliveredOnce(h, job, at);
        // The schedule fired (in the last second of its minute, the bed's choice) before `at`, and the
        // delay queue carried the firing the rest of the way.
        expect(h.bed.scheduler.deliveries).toHaveLength(1);
        expect(h.bed.scheduler.deliveries[0]?.firedAt).toBeLessThanOrEqual(at - MINUTE);
        expect(h.firings[0]?.at).toBeLessThan(at);
        expect(h.delaySends.at(-1)?.DelaySeconds).toBeGreaterThan(0);
        expect(h.bed.scheduler.schedules()).toEqual([]);
        expect(await h.tokens.get(id)).toBeUndefined();

        await h.bed.advance(REDELIVERY);
        expect(jobs(h.received)).toEqual([job]);
      }),
    TIMEOUT,
  );

  it(
    "schedules timers whose ids Scheduler would refuse as names under distinct valid names, fires them, and cancels by the same name",
    () =>
      withHarness(async (h) => {
        h.start();
        const base = `debounce app-fn ü ✓ "user 42" ${"k".repeat(64)}`;
        const ids = [`${base}/1`, `${base}/2`, `${base}/3`];
        expect(ids.every((id) => !SCHEDULE_NAME.test(id))).toBe(true);
        const start = h.now();
        const timers = ids.map((id, i) => ({ id, at: start + 3 * DAY + i * 5 * MINUTE, job: aWake(`longid${i}`, "s") }));
        for (const timer of timers) await h.bed.timers.schedule(timer);

        const creates = h.bed.scheduler.calls.filter((c) => c.operation === "CreateSchedule");
        expect(creates.map((c) => c.status)).toEqual([200, 200, 200]);
        const names = h.bed.scheduler.schedules(BED_SCHEDULE_GROUP).map((s) => s.name);
        expect(names).toEqual(creates.map((c) => c.name));
        expect(new Set(names).size).toBe(3);
        for (const name of names) expect(name).toMatch(SCHEDULE_NAME);

        await h.bed.timers.cancel(ids[2] as string);
        expect(h.bed.scheduler.calls.filter((c) => c.operation === "DeleteSchedule")).toEqual([expect.objectContaining({ name: names[2], status: 200 })]);
        expect(h.bed.scheduler.schedules().map((s) => s.name)).toEqual(names.slice(0, 2));

        await h.advanceTo((timers[2]?.at as number) + TOLERANCE);
        expect(byId(jobs(h.received))).toEqual(byId([timers[0]?.job as Job, timers[1]?.job as Job]));
        expectDeliveredOnce(h, timers[0]?.job as Job, timers[0]?.at as number);
        expectDeliveredOnce(h, timers[1]?.job as Job, timers[1]?.at as number);
        expect(h.bed.scheduler.schedules()).toEqual([]);
      }),
    TIMEOUT,
  );

  describe("replacing a timer by id", () => {
    it(
      "a 3-day timer replaced by a 10-minute one: only the new job fires, and the old schedule's firing is ignored when it comes",
      () =>
        withHarness(async (h) => {
          h.start();
          const id = "debounce.replaced-by-sooner";
          const start = h.now();
          const old = { id, at: start + 3 * DAY + 17_500, job: aWake("old", "s") };
          const sooner = { id, at: start + 10 * MINUTE + 300, job: aWake("sooner", "s") };
          await h.bed.timers.schedule(old);
          await h.bed.timers.schedule(sooner);

          await h.advanceTo(sooner.at + TOLERANCE);
          expect(jobs(h.received)).toEqual([sooner.job]);
          expectDeliveredOnce(h, sooner.job, sooner.at);

          await h.advanceTo(old.at + TOLERANCE);
          await h.bed.advance(REDELIVERY);
          // The old schedule did fire into the delay queue, and its firing was ignored.
          expect(h.bed.scheduler.deliveries).toHaveLength(1);
          expect(h.firings.some((f) => jobId(f.value.job) === jobId(old.job) && f.at >= old.at)).toBe(true);
          expect(jobs(h.received)).toEqual([sooner.job]);
          expect(await h.tokens.get(id)).toBeUndefined();
        }),
      TIMEOUT,
    );

    it(
      "a 10-minute timer replaced by a 3-day one: its delayed message arrives and is ignored, and only the new job fires",
      () =>
        withHarness(async (h) => {
          h.start();
          const id = "debounce.replaced-by-later";
          const start = h.now();
          const sooner = { id, at: start + 10 * MINUTE + 300, job: aWake("sooner", "s") };
          const later = { id, at: start + 3 * DAY + 17_500, job: aWake("later", "s") };
          await h.bed.timers.schedule(sooner);
          await h.bed.timers.schedule(later);

          await h.advanceTo(sooner.at + TOLERANCE);
          expect(h.firings.map((f) => f.value.job)).toEqual([sooner.job]);
          expect(h.received).toEqual([]);
          expect((await h.tokens.get(id))?.at).toBe(later.at);

          await h.advanceTo(later.at + TOLERANCE);
          expectDeliveredOnce(h, later.job, later.at);
          await h.bed.advance(REDELIVERY);
          expect(jobs(h.received)).toEqual([later.job]);
        }),
      TIMEOUT,
    );

    it(
      "a 3-day timer replaced by a 4-day one updates its one schedule: nothing at the old time, the new job at the new",
      () =>
        withHarness(async (h) => {
          h.start();
          const id = "debounce.moved-later";
          const start = h.now();
          const first = { id, at: start + 3 * DAY + 17_500, job: aWake("first", "s") };
          const moved = { id, at: start + 4 * DAY + 2_500, job: aWake("moved", "s") };
          await h.bed.timers.schedule(first);
          await h.bed.timers.schedule(moved);
          expect(h.bed.scheduler.schedules()).toEqual([expect.objectContaining({ name: id })]);
          const input = JSON.parse(h.bed.scheduler.schedules()[0]?.target.Input ?? "");
          expect(input.timer).toEqual(expect.objectContaining({ at: moved.at, job: moved.job }));
          expect(atInstant(h.bed.scheduler.schedules()[0]?.expression ?? "")).toBeGreaterThan(first.at);

          await h.advanceTo(first.at + TOLERANCE);
          expect(h.received).toEqual([]);
          await h.advanceTo(moved.at + TOLERANCE);
          expectDeliveredOnce(h, moved.job, moved.at);
          await h.bed.advance(REDELIVERY);
          expect(jobs(h.received)).toEqual([moved.job]);
          expect(h.bed.scheduler.schedules()).toEqual([]);
        }),
      TIMEOUT,
    );

    it(
      "keeps a timer scheduled again under its id between its previous firing's enqueue and the retiring of that firing's token",
      async () => {
        let harness: Harness | undefined;
        /** Scheduled by the token store when a firing retires its token, once. */
        let onRetire: TimerRecord | undefined;
        await withHarness(
          async (h) => {
            harness = h;
            h.start();
            const id = "debounce.rescheduled-while-firing";
            const first = { id, at: h.now() + 40 * SECOND, job: aWake("first", "s") };
            const again = { id, at: first.at + 60 * SECOND, job: aWake("again", "s") };
            onRetire = again;
            await h.bed.timers.schedule(first);

            await h.advanceTo(first.at + TOLERANCE);
            expect(jobs(h.received)).toEqual([first.job]);
            expect(onRetire).toBeUndefined();
            expect((await h.tokens.get(id))?.at).toBe(again.at);

            await h.advanceTo(again.at + TOLERANCE);
            expectDeliveredOnce(h, again.job, again.at);
            expect(jobs(h.received)).toEqual([first.job, again.job]);
          },
          (store) => ({
            put: (token) => store.put(token),
            get: (id) => store.get(id),
            delete: async (id, token) => {
              // The first firing's job already went out; someone schedules the id again before its token is retired.
              const next = token === undefined ? undefined : onRetire;
              if (next) {
                onRetire = undefined;
                await harness?.bed.timers.schedule(next);
              }
              return store.delete(id, token);
            },
          }),
        );
      },
      TIMEOUT,
    );
  });

  describe("cancelling", () => {
    it(
      "deletes a cancelled 3-day timer's schedule and token, and never fires it",
      () =>
        withHarness(async (h) => {
          h.start();
          const job = aWake("cancel3d", "s");
          const id = jobId(job);
          const at = h.now() + 3 * DAY + 17_500;
          await h.bed.timers.schedule({ id, at, job });
          await h.bed.timers.cancel(id);

          expect(h.bed.scheduler.calls.filter((c) => c.operation === "DeleteSchedule")).toEqual([expect.objectContaining({ name: id, group: BED_SCHEDULE_GROUP, status: 200 })]);
          expect(h.bed.scheduler.schedules()).toEqual([]);
          expect(await h.tokens.get(id)).toBeUndefined();

          await h.advanceTo(at + TOLERANCE);
          await h.bed.advance(REDELIVERY);
          expect(h.bed.scheduler.deliveries).toEqual([]);
          expect(h.firings).toEqual([]);
          expect(h.received).toEqual([]);
        }),
      TIMEOUT,
    );

    it(
      "never fires a cancelled 40-s timer: its delayed message cannot be recalled, so it arrives and is ignored",
      () =>
        withHarness(async (h) => {
          h.start();
          const job = aWake("cancel40", "s");
          const id = jobId(job);
          const at = h.now() + 40 * SECOND;
          await h.bed.timers.schedule({ id, at, job });
          await h.bed.timers.cancel(id);

          expect(operations(h)).toEqual(["CreateScheduleGroup"]);
          expect(await h.tokens.get(id)).toBeUndefined();
          expect(await h.bed.sqs.pending(h.bed.delayQueueUrl)).toBe(1);

          await h.advanceTo(at + TOLERANCE);
          await h.bed.advance(REDELIVERY);
          expect(h.firings.map((f) => f.value.id)).toEqual([id]);
          expect(h.received).toEqual([]);
          // Acknowledged, not left to come back.
          expect(await h.bed.sqs.pending(h.bed.delayQueueUrl)).toBe(0);
        }),
      TIMEOUT,
    );
  });

  describe("duplicate firings", () => {
    it(
      "enqueues the job once when the delay queue delivers the same firing twice",
      () =>
        withHarness(async (h) => {
          // Both copies may be handled at once, both finding the token: then SQS deduplicates the
          // second enqueue, which it remembers for 5 minutes. local-aws-sqs remembers an id only
          // while its message is in the queue, so the job is held in flight until both are handled.
          h.start({ handle: () => until(() => h.firesDone() >= 2) });
          const job = aWake("twice", "s");
          const at = h.now() + 40 * SECOND;
          await h.bed.timers.schedule({ id: jobId(job), at, job });
          const [sent] = h.delaySends;
          // A standard queue may deliver a message more than once: the same body, sent again.
          await h.bed.sqs.client.send(new SendMessageCommand({ QueueUrl: h.bed.delayQueueUrl, MessageBody: sent?.MessageBody, DelaySeconds: sent?.DelaySeconds }));

          await h.advanceTo(at + TOLERANCE);
          await h.bed.advance(REDELIVERY);
          expect(h.firings).toHaveLength(2);
          expect(h.firings[0]?.value).toEqual(h.firings[1]?.value);
          expectDeliveredOnce(h, job, at);
        }),
      TIMEOUT,
    );

    it(
      "enqueues the job once when a firing is handled again after a crash between enqueueing and retiring the token",
      async () => {
        let failDelete = true;
        await withHarness(
          async (h) => {
            const job = aWake("crash", "s");
            const id = jobId(job);
            const at = h.now();
            await h.bed.timers.schedule({ id, at, job });
            const stored = await h.tokens.get(id);
            const firing: TimerFiring = { id, at, token: stored?.token as string, job };

            // Handled twice before the run queue is consumed, so SQS still holds the first enqueue.
            await expect(h.bed.timers.fire(firing)).rejects.toThrow(/token store down/);
            expect(await h.tokens.get(id)).toEqual(stored);
            await h.bed.timers.fire(firing);
            expect(await h.tokens.get(id)).toBeUndefined();
            expect(await h.bed.sqs.pending(h.bed.runQueueUrl)).toBe(1);

            h.start();
            await h.bed.advance(REDELIVERY);
            expect(jobs(h.received)).toEqual([job]);
          },
          (store) => ({
            put: (token) => store.put(token),
            get: (id) => store.get(id),
            delete: async (id, token) => {
              if (token !== undefined && failDelete) {
                failDelete = false;
                throw new Error("token store down");
              }
              return store.delete(id, token);
            },
          }),
        );
      },
      TIMEOUT,
    );
  });

  it(
    "surfaces Scheduler throttling beyond the client's attempts as ThrottledError, and a later schedule succeeds and fires once",
    () =>
      withHarness(async (h) => {
        const scheduler = schedulerClient(h.bed, 2);
        const timers = new AwsTimers({ ...optionsOf(h.bed.timers), scheduler });
        try {
          h.start({ timers });
          const job = aWake("throttled", "s");
          const id = jobId(job);
          const at = h.now() + 3 * DAY + 17_500;
          h.bed.scheduler.throttleNext(3);
          const refused = await timers.schedule({ id, at, job }).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(refused).toBeInstanceOf(ThrottledError);
          expect((refused as Error).message).toMatch(/ThrottlingException/);
          expect(h.bed.scheduler.calls.filter((c) => c.operation === "CreateSchedule").map((c) => c.error)).toEqual(["ThrottlingException", "ThrottlingException"]);
          expect(h.bed.scheduler.schedules()).toEqual([]);

          await h.bed.advance(MINUTE);
          // One throttle is left: the client's second attempt gets through.
          await timers.schedule({ id, at, job });
          expect(h.bed.scheduler.calls.filter((c) => c.operation === "CreateSchedule").map((c) => c.status)).toEqual([429, 429, 429, 200]);
          expect(h.bed.scheduler.schedules()).toEqual([expect.objectContaining({ name: id })]);

          await h.advanceTo(at + TOLERANCE);
          await h.bed.advance(REDELIVERY);
          expectDeliveredOnce(h, job, at);
          expect(jobs(h.received)).toEqual([job]);
        } finally {
          scheduler.destroy();
        }
      }),
    TIMEOUT,
  );

  it("keeps the newer of two schedules of one id that race through Scheduler (the older writer's schedule lands last)", async () => {
    let holdFirst: Promise<void> | undefined;
    let releaseFirst = () => {};
    await withHarness(
      async (h) => {
        h.start();
        const id = "debounce.racing";
        const older: TimerRecord = { id, at: h.now() + 3 * DAY, job: aWake("older", "s") };
        const newer: TimerRecord = { id, at: h.now() + 2 * DAY, job: aWake("newer", "s") };
        holdFirst = new Promise((resolve) => (releaseFirst = resolve));
        // The older call stores its token, then stalls until the newer call has stored its own
        // token and written its schedule; its schedule write then lands last.
        const first = h.bed.timers.schedule(older);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await h.bed.timers.schedule(newer);
        releaseFirst();
        await first;
        await h.advanceTo(newer.at + TOLERANCE);
        await h.advanceTo(older.at + TOLERANCE);
        expect(jobs(h.received)).toEqual([newer.job]);
        expectDeliveredOnce(h, newer.job, newer.at);
      },
      (store) => ({
        put: async (token) => {
          await store.put(token);
          const gate = holdFirst;
          holdFirst = undefined;
          if (gate) await gate;
        },
        get: (id) => store.get(id),
        delete: (id, token) => store.delete(id, token),
      }),
    );
  });
});
