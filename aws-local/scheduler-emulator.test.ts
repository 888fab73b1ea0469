import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
  type CreateScheduleCommandInput,
} from "@aws-sdk/client-scheduler";
import type { SchedulerEmulatorOptions, ScheduleTarget } from "./scheduler-emulator";
import { START, TARGET, startSchedulerBed, type SchedulerBed } from "./scheduler-emulator/test-bed";

/** Drives the emulator through the real SDK client, with a hand-moved clock. */

type Bed = SchedulerBed;

const beds: Bed[] = [];

async function bed(options: Partial<SchedulerEmulatorOptions> = {}): Promise<Bed> {
  const result = await startSchedulerBed(undefined, options);
  beds.push(result);
  return result;
}

afterEach(async () => {
  for (const b of beds.splice(0)) await b.stop();
});

const times = (b: Bed): string[] => b.delivered.map((d) => d.schedule.scheduledTime);

describe("names and groups", () => {
  test("names are 1-64 characters of [0-9a-zA-Z-_.]", async () => {
    const b = await bed();
    await expect(b.create("a".repeat(64), "rate(5 minutes)")).resolves.toContain("schedule/default/aaaa");
    await expect(b.create("Timer_1.run-2", "rate(5 minutes)")).resolves.toBeTruthy();
    await expect(b.create("a".repeat(65), "rate(5 minutes)")).rejects.toBeInstanceOf(ValidationException);
    await expect(b.create("bad name", "rate(5 minutes)")).rejects.toBeInstanceOf(ValidationException);
    await expect(b.create("bad:name", "rate(5 minutes)")).rejects.toBeInstanceOf(ValidationException);
    await expect(b.create("bad/name", "rate(5 minutes)")).rejects.toBeInstanceOf(ValidationException);
    await expect(b.client.send(new CreateScheduleGroupCommand({ Name: "g".repeat(65) }))).rejects.toBeInstanceOf(ValidationException);
    expect(b.emulator.schedules().map((s) => s.name)).toEqual(["a".repeat(64), "Timer_1.run-2"]);
  });

  test("a schedule goes into an existing group; default always exists", async () => {
    const b = await bed();
    const missing = b.create("t1", "rate(5 minutes)", { GroupName: "timers" });
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toMatchObject({ message: "Schedule group timers does not exist.", $metadata: { httpStatusCode: 404 } });

    const { ScheduleGroupArn } = await b.client.send(new CreateScheduleGroupCommand({ Name: "timers" }));
    expect(ScheduleGroupArn).toBe("arn:aws:scheduler:us-east-1:123456789012:schedule-group/timers");
    await expect(b.client.send(new CreateScheduleGroupCommand({ Name: "timers" }))).rejects.toBeInstanceOf(ConflictException);
    expect(await b.create("t1", "rate(5 minutes)", { GroupName: "timers" })).toBe("arn:aws:scheduler:us-east-1:123456789012:schedule/timers/t1");
    const group = await b.client.send(new GetScheduleGroupCommand({ Name: "timers" }));
    expect(group).toMatchObject({ Name: "timers", State: "ACTIVE", CreationDate: new Date(START) });
    const groups = await b.client.send(new ListScheduleGroupsCommand({}));
    expect(groups.ScheduleGroups?.map((g) => g.Name)).toEqual(["default", "timers"]);

    // Deleting a group deletes its schedules; default cannot be deleted.
    await b.client.send(new DeleteScheduleGroupCommand({ Name: "timers" }));
    expect(b.emulator.schedules()).toEqual([]);
    await expect(b.client.send(new GetScheduleGroupCommand({ Name: "timers" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(b.client.send(new DeleteScheduleGroupCommand({ Name: "default" }))).rejects.toBeInstanceOf(ValidationException);
  });

  test("a name taken in its group is a ConflictException; other groups are separate", async () => {
    const b = await bed();
    await b.create("t1", "rate(5 minutes)");
    const duplicate = b.create("t1", "rate(10 minutes)");
    await expect(duplicate).rejects.toBeInstanceOf(ConflictException);
    await expect(duplicate).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });
    await b.client.send(new CreateScheduleGroupCommand({ Name: "other" }));
    await expect(b.create("t1", "rate(10 minutes)", { GroupName: "other" })).resolves.toContain("schedule/other/t1");
  });

  test("a create or delete repeated with its ClientToken is idempotent, as an SDK retry needs", async () => {
    const b = await bed();
    const input = { Name: "t1", ScheduleExpression: "rate(5 minutes)", FlexibleTimeWindow: { Mode: "OFF" as const }, Target: TARGET, ClientToken: "token-1" };
    const first = await b.client.send(new CreateScheduleCommand(input));
    await expect(b.client.send(new CreateScheduleCommand(input))).resolves.toMatchObject({ ScheduleArn: first.ScheduleArn });
    await expect(b.client.send(new CreateScheduleCommand({ ...input, ClientToken: "token-2" }))).rejects.toBeInstanceOf(ConflictException);
    await b.client.send(new DeleteScheduleCommand({ Name: "t1", ClientToken: "d-1" }));
    await expect(b.client.send(new DeleteScheduleCommand({ Name: "t1", ClientToken: "d-1" }))).resolves.toBeDefined();
    await expect(b.client.send(new DeleteScheduleCommand({ Name: "t1", ClientToken: "d-2" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("schedule definitions", () => {
  test("at() must be exactly at(yyyy-mm-ddThh:mm:ss), a real date, no zone suffix", async () => {
    const b = await bed();
    for (const bad of [
      "at(2026-01-01T10:00)",
      "at(2026-01-01 10:00:00)",
      "at(2026-01-01T10:00:00Z)",
      "at(2026-01-01T10:00:00+01:00)",
      "at(2026-01-01T10:00:00.000)",
      "at(2026-1-1T10:00:00)",
      "at(2026-02-30T10:00:00)",
      "at(2026-01-01T24:00:00)",
      "at(2026-01-01T10:60:00)",
      "at( 2026-01-01T10:00:00)",
      "2026-01-01T10:00:00",
    ]) {
      await expect(b.create("t1", bad)).rejects.toBeInstanceOf(ValidationException);
    }
    await expect(b.create("t1", "at(2026-01-01T10:00:00)")).resolves.toBeTruthy();
  });

  test("other required members and expressions are checked", async () => {
    const b = await bed();
    const send = (input: Partial<CreateScheduleCommandInput>) =>
      b.client.send(new CreateScheduleCommand({ Name: "t1", ScheduleExpression: "rate(5 minutes)", FlexibleTimeWindow: { Mode: "OFF" }, Target: TARGET, ...input } as CreateScheduleCommandInput));
    await expect(send({ FlexibleTimeWindow: undefined })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ FlexibleTimeWindow: { Mode: "FLEXIBLE" } })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ Target: { Arn: TARGET.Arn } as ScheduleTarget })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ Target: undefined })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ ScheduleExpressionTimezone: "Europe/Atlantis" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ ScheduleExpression: "rate(0 minutes)" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ ScheduleExpression: "rate(5 seconds)" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ ScheduleExpression: "cron(0 10 * * ?)" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ ScheduleExpression: "cron(0 10 * * * *)" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ ScheduleExpression: "cron(0 25 * * ? *)" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ State: "PAUSED" as "ENABLED" })).rejects.toBeInstanceOf(ValidationException);
    await expect(send({ FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 } })).resolves.toBeTruthy();
    expect(b.emulator.calls.filter((c) => c.operation === "CreateSchedule").map((c) => c.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 200]);
  });

  test("at() is read in ScheduleExpressionTimezone, DST included", async () => {
    const b = await bed();
    const cases: Array<[string, string, string]> = [
      ["at(2026-03-01T09:00:00)", "Europe/Paris", "2026-03-01T08:00:00.000Z"],
      ["at(2026-07-01T09:00:00)", "Europe/Paris", "2026-07-01T07:00:00.000Z"], // CEST
      ["at(2026-01-15T09:00:00)", "America/New_York", "2026-01-15T14:00:00.000Z"],
      ["at(2026-03-07T12:00:00)", "America/New_York", "2026-03-07T17:00:00.000Z"], // the day before DST
      ["at(2026-03-08T12:00:00)", "America/New_York", "2026-03-08T16:00:00.000Z"], // DST began at 02:00 that morning
      ["at(2026-03-08T02:30:00)", "America/New_York", "2026-03-08T07:30:00.000Z"], // in the gap: 03:30 EDT
      ["at(2026-11-01T01:30:00)", "America/New_York", "2026-11-01T05:30:00.000Z"], // happens twice: the first (EDT)
      ["at(2026-03-01T09:00:00)", "UTC", "2026-03-01T09:00:00.000Z"],
    ];
    for (const [i, [expression, zone]] of cases.entries()) await b.create(`t${i}`, expression, { ScheduleExpressionTimezone: zone });
    expect(b.emulator.schedules().map((s) => new Date(s.nextPoint ?? 0).toISOString())).toEqual(cases.map((c) => c[2]));
    await b.create("no-zone", "at(2026-03-01T09:00:00)");
    expect(b.emulator.schedules().at(-1)?.nextPoint).toBe(Date.parse("2026-03-01T09:00:00Z"));

    // And the Paris one fires at 08:00Z, not at 09:00Z.
    await b.at("2026-03-01T07:59:59.999Z");
    expect(b.delivered.filter((d) => d.schedule.name === "t0")).toEqual([]);
    await b.at("2026-03-01T08:00:00Z");
    expect(b.delivered.filter((d) => d.schedule.name === "t0").map((d) => d.schedule.scheduledTime)).toEqual(["2026-03-01T08:00:00Z"]);
  });

  test("Update replaces the whole definition; updating or getting a missing schedule is ResourceNotFoundException", async () => {
    const b = await bed();
    await b.create("t1", "at(2026-01-01T10:00:00)", { Description: "first", Target: { ...TARGET, Input: "a" }, ActionAfterCompletion: "DELETE" });
    await b.client.send(new UpdateScheduleCommand({ Name: "t1", ScheduleExpression: "at(2026-01-01T11:00:00)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { ...TARGET, Input: "b" } }));
    const got = await b.client.send(new GetScheduleCommand({ Name: "t1" }));
    expect(got).toMatchObject({ Name: "t1", GroupName: "default", ScheduleExpression: "at(2026-01-01T11:00:00)", State: "ENABLED", ActionAfterCompletion: "NONE", Target: { Input: "b" } });
    expect(got.Description).toBeUndefined();
    await b.at("2026-01-01T10:30:00Z");
    expect(b.delivered).toEqual([]);
    await b.at("2026-01-01T11:00:00Z");
    expect(b.delivered.map((d) => d.target.Input)).toEqual(["b"]);

    const update = new UpdateScheduleCommand({ Name: "nope", ScheduleExpression: "rate(5 minutes)", FlexibleTimeWindow: { Mode: "OFF" }, Target: TARGET });
    await expect(b.client.send(update)).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(b.client.send(new GetScheduleCommand({ Name: "nope" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test("Delete, then Get and Delete are ResourceNotFoundException", async () => {
    const b = await bed();
    await b.create("t1", "at(2026-01-01T10:00:00)");
    await b.client.send(new DeleteScheduleCommand({ Name: "t1" }));
    await expect(b.client.send(new GetScheduleCommand({ Name: "t1" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(b.client.send(new DeleteScheduleCommand({ Name: "t1" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await b.at("2026-01-01T10:00:00Z");
    expect(b.delivered).toEqual([]);
  });

  test("ListSchedules filters by group, prefix and state, and pages", async () => {
    const b = await bed();
    await b.client.send(new CreateScheduleGroupCommand({ Name: "timers" }));
    for (const name of ["run-1", "run-2", "run-3", "other"]) await b.create(name, "rate(5 minutes)", { GroupName: "timers" });
    await b.create("run-4", "rate(5 minutes)", { State: "DISABLED" });
    const first = await b.client.send(new ListSchedulesCommand({ GroupName: "timers", NamePrefix: "run-", MaxResults: 2 }));
    expect(first.Schedules?.map((s) => s.Name)).toEqual(["run-1", "run-2"]);
    const second = await b.client.send(new ListSchedulesCommand({ GroupName: "timers", NamePrefix: "run-", MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Schedules?.map((s) => s.Name)).toEqual(["run-3"]);
    expect(second.NextToken).toBeUndefined();
    const disabled = await b.client.send(new ListSchedulesCommand({ State: "DISABLED" }));
    expect(disabled.Schedules).toEqual([expect.objectContaining({ Name: "run-4", GroupName: "default", Target: { Arn: TARGET.Arn } })]);
  });
});

describe("firing", () => {
  test("fires to the minute: at(10:00:40) fires when the clock reaches 10:00:00, not before, and not at second precision", async () => {
    const b = await bed();
    await b.create("t1", "at(2026-01-01T10:00:40)");
    expect(b.emulator.schedules()[0]).toMatchObject({ nextPoint: Date.parse("2026-01-01T10:00:40Z"), nextFireAt: Date.parse("2026-01-01T10:00:00Z") });
    await b.at("2026-01-01T09:59:59.999Z");
    expect(b.delivered).toEqual([]);
    await b.at("2026-01-01T10:00:00Z");
    expect(times(b)).toEqual(["2026-01-01T10:00:40Z"]);
    await b.at("2026-01-01T10:00:40Z");
    await b.at("2026-01-01T12:00:00Z");
    expect(b.delivered).toHaveLength(1);
  });

  test("firingOffsetMs fires later within the same minute", async () => {
    const b = await bed({ firingOffsetMs: 45_000 });
    await b.create("t1", "at(2026-01-01T10:00:40)");
    await b.at("2026-01-01T10:00:44.999Z");
    expect(b.delivered).toEqual([]);
    await b.at("2026-01-01T10:00:45Z");
    expect(b.delivered).toHaveLength(1);
  });

  test("a one-time schedule whose minute has begun fires on the next tick", async () => {
    const b = await bed();
    b.clock.time = Date.parse("2026-01-01T10:00:30Z");
    await b.create("late", "at(2026-01-01T10:00:50)");
    await b.create("past", "at(2025-12-31T00:00:00)");
    await b.emulator.fireDue();
    expect(b.delivered.map((d) => d.schedule.name)).toEqual(["past", "late"]);
  });

  test("ActionAfterCompletion DELETE removes a one-time schedule after it fires; NONE keeps it, spent", async () => {
    const b = await bed();
    await b.create("gone", "at(2026-01-01T10:00:00)", { ActionAfterCompletion: "DELETE" });
    await b.create("kept", "at(2026-01-01T10:00:00)", { ActionAfterCompletion: "NONE" });
    await b.at("2026-01-01T10:00:00Z");
    expect(b.delivered.map((d) => d.schedule.name)).toEqual(["gone", "kept"]);
    await expect(b.client.send(new GetScheduleCommand({ Name: "gone" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(b.client.send(new GetScheduleCommand({ Name: "kept" }))).resolves.toMatchObject({ State: "ENABLED", ActionAfterCompletion: "NONE" });
    expect(b.emulator.schedules().map((s) => [s.name, s.nextPoint])).toEqual([["kept", undefined]]);
    await b.at("2026-01-02T10:00:00Z");
    expect(b.delivered).toHaveLength(2);
  });

  test("a disabled schedule does not fire until enabled again", async () => {
    const b = await bed();
    const input = { Name: "t1", ScheduleExpression: "at(2026-01-01T10:00:00)", FlexibleTimeWindow: { Mode: "OFF" as const }, Target: TARGET };
    await b.client.send(new CreateScheduleCommand({ ...input, State: "DISABLED" }));
    await b.at("2026-01-01T10:05:00Z");
    expect(b.delivered).toEqual([]);
    await b.client.send(new UpdateScheduleCommand({ ...input, State: "ENABLED" }));
    await b.emulator.fireDue();
    expect(b.delivered).toHaveLength(1);
  });

  test("context attributes in Target.Input are replaced at each attempt", async () => {
    let failures = 1;
    const b = await bed({
      retryDelayMs: 30_000,
      deliver: async (target, schedule) => {
        b.delivered.push({ target, schedule });
        if (failures-- > 0) throw new Error("queue unavailable");
      },
    });
    const input = JSON.stringify({ arn: "<aws.scheduler.schedule-arn>", at: "<aws.scheduler.scheduled-time>", id: "<aws.scheduler.execution-id>", n: "<aws.scheduler.attempt-number>", again: "<aws.scheduler.attempt-number>" });
    const arn = await b.create("t1", "at(2026-01-01T10:00:00)", { Target: { ...TARGET, Input: input }, ActionAfterCompletion: "DELETE" });
    await b.at("2026-01-01T10:00:00Z");
    await b.at("2026-01-01T10:00:29.999Z");
    expect(b.delivered).toHaveLength(1);
    expect(b.emulator.schedules()).toHaveLength(1); // a retry is pending: not deleted yet
    await b.at("2026-01-01T10:00:30Z");
    const inputs = b.delivered.map((d) => JSON.parse(d.target.Input ?? "") as Record<string, string>);
    expect(inputs).toEqual([
      { arn, at: "2026-01-01T10:00:00Z", id: expect.stringMatching(/^[0-9a-f]{16}$/), n: "1", again: "1" },
      { arn, at: "2026-01-01T10:00:00Z", id: expect.stringMatching(/^[0-9a-f]{16}$/), n: "2", again: "2" },
    ]);
    expect(inputs[0]?.id).not.toBe(inputs[1]?.id);
    expect(b.delivered[0]?.schedule).toMatchObject({ name: "t1", group: "default", arn, attempt: 1 });
    expect(b.delivered[0]?.target).toMatchObject(TARGET);
    expect(b.emulator.deliveries.map((d) => d.error)).toEqual(["queue unavailable", undefined]);
    expect(b.emulator.schedules()).toEqual([]);
  });

  test("a delivery failing past RetryPolicy is recorded in failures", async () => {
    const b = await bed({
      retryDelayMs: 60_000,
      deliver: async () => {
        throw new Error("no such queue");
      },
    });
    await b.create("t1", "at(2026-01-01T10:00:00)", { Target: { ...TARGET, RetryPolicy: { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 } } });
    await b.at("2026-01-01T10:00:00Z");
    await b.at("2026-01-01T10:01:00Z");
    await b.at("2026-01-01T11:00:00Z");
    expect(b.emulator.deliveries.map((d) => d.attempt)).toEqual([1, 2]);
    expect(b.emulator.failures).toEqual([expect.objectContaining({ name: "t1", attempt: 2, error: "no such queue" })]);
  });

  test("cron fires at each point, every missed point when the clock jumps, in time order", async () => {
    const b = await bed();
    b.clock.time = Date.parse("2026-01-01T09:05:00Z");
    await b.create("quarter", "cron(0/15 * * * ? *)", { Target: { ...TARGET, Input: "<aws.scheduler.scheduled-time>" } });
    await b.create("once", "at(2026-01-01T09:40:10)");
    await b.at("2026-01-01T10:00:00Z");
    expect(b.delivered.map((d) => `${d.schedule.name}@${d.schedule.scheduledTime}`)).toEqual([
      "quarter@2026-01-01T09:15:00Z",
      "quarter@2026-01-01T09:30:00Z",
      "once@2026-01-01T09:40:10Z",
      "quarter@2026-01-01T09:45:00Z",
      "quarter@2026-01-01T10:00:00Z",
    ]);
    expect(b.delivered[0]?.target.Input).toBe("2026-01-01T09:15:00Z");
    await b.at("2026-01-01T10:14:59Z");
    expect(b.delivered).toHaveLength(5);
    await b.at("2026-01-01T10:15:00Z");
    expect(times(b).at(-1)).toBe("2026-01-01T10:15:00Z");
  });

  test("cron reads its fields in the schedule's time zone, with AWS's 1-7 = SUN-SAT days and the year field", async () => {
    const b = await bed();
    await b.create("paris", "cron(0 9 ? * 2 *)", { ScheduleExpressionTimezone: "Europe/Paris" }); // Mondays 09:00 Paris
    await b.create("y2030", "cron(0 10 1 1 ? 2030)");
    expect(b.emulator.schedules().map((s) => new Date(s.nextPoint ?? 0).toISOString())).toEqual(["2026-01-05T08:00:00.000Z", "2030-01-01T10:00:00.000Z"]);
    await b.at("2026-01-20T00:00:00Z");
    expect(times(b)).toEqual(["2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z"]);
  });

  test("a cron time skipped by DST is skipped; a repeated one runs once", async () => {
    const b = await bed();
    b.clock.time = Date.parse("2026-03-27T00:00:00Z");
    await b.create("spring", "cron(30 2 * * ? *)", { ScheduleExpressionTimezone: "Europe/Paris" });
    await b.at("2026-03-31T00:00:00Z");
    expect(times(b)).toEqual(["2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"]);
    b.delivered.length = 0;
    b.clock.time = Date.parse("2026-10-24T00:00:00Z");
    await b.create("autumn", "cron(30 2 * * ? *)", { ScheduleExpressionTimezone: "Europe/Paris" });
    await b.at("2026-10-27T00:00:00Z");
    expect(b.delivered.filter((d) => d.schedule.name === "autumn").map((d) => d.schedule.scheduledTime)).toEqual(["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]);
  });

  test("rate starts at once (or at StartDate) and repeats; EndDate ends it and DELETE then removes it", async () => {
    const b = await bed();
    await b.create("now", "rate(20 minutes)", { EndDate: new Date("2026-01-01T09:50:00Z"), ActionAfterCompletion: "DELETE" });
    await b.create("later", "rate(1 hour)", { StartDate: new Date("2026-01-01T09:30:00Z") });
    await b.at("2026-01-01T10:30:00Z");
    expect(b.delivered.map((d) => `${d.schedule.name}@${d.schedule.scheduledTime}`)).toEqual([
      "now@2026-01-01T09:00:00Z",
      "now@2026-01-01T09:20:00Z",
      "later@2026-01-01T09:30:00Z",
      "now@2026-01-01T09:40:00Z",
      "later@2026-01-01T10:30:00Z",
    ]);
    expect(b.emulator.schedules().map((s) => s.name)).toEqual(["later"]);
  });

  test("the poll timer fires as time passes on its own", async () => {
    const b = await bed({ pollMs: 5 });
    await b.create("t1", "at(2026-01-01T10:00:00)");
    b.clock.time = Date.parse("2026-01-01T10:00:00Z");
    for (let i = 0; i < 100 && b.delivered.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(b.delivered).toHaveLength(1);
  });
});

describe("fault injection", () => {
  test("throttleNext(n) answers the next n calls with ThrottlingException (429), and calls records them", async () => {
    const b = await bed();
    b.emulator.throttleNext(2);
    const first = b.create("t1", "rate(5 minutes)");
    await expect(first).rejects.toBeInstanceOf(ThrottlingException);
    await expect(first).rejects.toMatchObject({ $metadata: { httpStatusCode: 429 } });
    await expect(b.client.send(new DeleteScheduleCommand({ Name: "t1" }))).rejects.toBeInstanceOf(ThrottlingException);
    await b.create("t1", "rate(5 minutes)");
    await b.client.send(new DeleteScheduleCommand({ Name: "t1" }));
    expect(b.emulator.calls.map((c) => [c.operation, c.name, c.group, c.status, c.error])).toEqual([
      ["CreateSchedule", "t1", undefined, 429, "ThrottlingException"],
      ["DeleteSchedule", "t1", undefined, 429, "ThrottlingException"],
      ["CreateSchedule", "t1", undefined, 200, undefined],
      ["DeleteSchedule", "t1", undefined, 200, undefined],
    ]);
  });
});
