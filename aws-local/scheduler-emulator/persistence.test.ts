// The default import is the module object itself (a namespace import would be a copy), so a spy on it sees the emulator's renames.
import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-scheduler";
import { SchedulerEmulator, type SchedulerEmulatorOptions } from "../scheduler-emulator";
import { START, TARGET, startSchedulerBed, type SchedulerBed } from "./test-bed";

/** Restarts of the emulator on one state file, driven through the real SDK client with a hand-moved clock. */

type Bed = SchedulerBed;

let dir: string;
let file: string;
const open: Bed[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scheduler-state-"));
  // A directory that does not exist yet: the first write creates it.
  file = join(dir, "data", "scheduler.json");
});

afterEach(async () => {
  for (const b of open.splice(0)) await b.stop();
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** An emulator on `file`, its clock at `iso`. */
async function bed(iso = "2026-01-01T09:00:00Z", options: Partial<SchedulerEmulatorOptions> = {}): Promise<Bed> {
  const b = await startSchedulerBed(iso, { stateFile: file, ...options });
  open.push(b);
  return b;
}

interface SavedDocument {
  format: string;
  sequence: number;
  groups: Array<{ name: string }>;
  schedules: Array<{ name: string; group: string; next: number | null; definition: Record<string, unknown> }>;
}

const saved = (): SavedDocument => JSON.parse(readFileSync(file, "utf8")) as SavedDocument;
const savedNames = (): string[] => saved().schedules.map((s) => `${s.group}/${s.name}`);

/** GetSchedule's answer without the per-request metadata. */
async function get(b: Bed, name: string, group?: string): Promise<object> {
  const { $metadata: _metadata, ...schedule } = await b.client.send(new GetScheduleCommand({ Name: name, GroupName: group }));
  return schedule;
}

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the state file", () => {
  test("groups and schedules created through the SDK survive a restart: same definitions, same lists", async () => {
    const first = await bed();
    await first.client.send(new CreateScheduleGroupCommand({ Name: "timers" }));
    await first.create("sleep-1", "at(2026-01-02T10:00:00)", {
      GroupName: "timers",
      ActionAfterCompletion: "DELETE",
      Description: "a sleep",
      Target: { ...TARGET, Input: '{"at":"<aws.scheduler.scheduled-time>"}', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 }, SqsParameters: { MessageGroupId: "g" } },
    });
    await first.create("daily", "cron(0 5 * * ? *)", { ScheduleExpressionTimezone: "America/New_York", State: "DISABLED" });
    await first.create("every-7", "rate(7 minutes)", { StartDate: new Date("2026-01-01T09:03:00Z"), EndDate: new Date("2026-03-01T00:00:00Z"), ClientToken: "create-every-7" });
    const before = {
      schedules: [await get(first, "sleep-1", "timers"), await get(first, "daily"), await get(first, "every-7")],
      list: (await first.client.send(new ListSchedulesCommand({}))).Schedules,
      groups: (await first.client.send(new ListScheduleGroupsCommand({}))).ScheduleGroups,
      views: first.emulator.schedules(),
    };
    await first.stop();
    expect(saved()).toMatchObject({ format: "ferry-scheduler-emulator-state/1", sequence: 3, groups: [{ name: "default" }, { name: "timers" }] });
    expect(savedNames()).toEqual(["timers/sleep-1", "default/daily", "default/every-7"]);

    const second = await bed("2026-01-01T09:01:00Z");
    expect([await get(second, "sleep-1", "timers"), await get(second, "daily"), await get(second, "every-7")]).toEqual(before.schedules);
    expect((await second.client.send(new ListSchedulesCommand({}))).Schedules).toEqual(before.list);
    expect((await second.client.send(new ListScheduleGroupsCommand({}))).ScheduleGroups).toEqual(before.groups);
    // Next points, the rate anchor and creation times come back too.
    expect(second.emulator.schedules()).toEqual(before.views);
    // The create ClientToken survives: an SDK retrying that create still succeeds.
    await expect(second.create("every-7", "rate(7 minutes)", { StartDate: new Date("2026-01-01T09:03:00Z"), EndDate: new Date("2026-03-01T00:00:00Z"), ClientToken: "create-every-7" })).resolves.toEqual(expect.any(String));
    await second.at("2026-01-01T09:17:00Z");
    expect(second.delivered.map((d) => [d.schedule.name, d.schedule.scheduledTime])).toEqual([
      ["every-7", "2026-01-01T09:03:00Z"],
      ["every-7", "2026-01-01T09:10:00Z"],
      ["every-7", "2026-01-01T09:17:00Z"],
    ]);
  });

  test("the sequence counter survives: points due together still fire in creation order", async () => {
    const first = await bed();
    await first.create("a", "at(2026-01-01T10:00:00)");
    await first.create("b", "at(2026-01-01T10:00:00)");
    await first.stop();
    const second = await bed();
    await second.create("c", "at(2026-01-01T10:00:00)");
    await second.at("2026-01-01T10:00:00Z");
    expect(second.delivered.map((d) => d.schedule.name)).toEqual(["a", "b", "c"]);
  });

  test("a cron schedule keeps firing on its points, in its time zone, after a reload", async () => {
    const first = await bed();
    await first.create("daily", "cron(0 5 * * ? *)", { ScheduleExpressionTimezone: "America/New_York" });
    // Let the create be written first, so the file can only know of the firing if the firing is saved.
    await waitFor(() => fs.existsSync(file));
    await first.at("2026-01-01T10:00:00Z");
    expect(first.delivered.map((d) => d.schedule.scheduledTime)).toEqual(["2026-01-01T10:00:00Z"]);
    await first.stop();

    const second = await bed("2026-01-03T10:30:00Z");
    expect(second.emulator.schedules()[0]?.nextPoint).toBe(Date.parse("2026-01-02T10:00:00Z"));
    await second.emulator.fireDue();
    // Both days missed while stopped fire, the 01-01 point not again; 05:00 New York is 10:00 UTC.
    expect(second.delivered.map((d) => d.schedule.scheduledTime)).toEqual(["2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"]);
    await second.at("2026-01-04T10:00:00Z");
    expect(second.delivered.map((d) => d.schedule.scheduledTime)).toEqual(["2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z", "2026-01-04T10:00:00Z"]);
  });

  test("an at() schedule that fell due while stopped fires on the first poll after the restart, and DELETE removes it from the file", async () => {
    const first = await bed();
    await first.create("sleep-1", "at(2026-01-01T10:00:00)", { ActionAfterCompletion: "DELETE" });
    await first.create("later", "at(2026-01-05T10:00:00)", { ActionAfterCompletion: "DELETE" });
    await first.stop();
    expect(savedNames()).toEqual(["default/sleep-1", "default/later"]);

    const second = await bed("2026-01-01T11:00:00Z", { pollMs: 10 });
    await waitFor(() => second.delivered.length > 0);
    expect(second.delivered.map((d) => [d.schedule.name, d.schedule.scheduledTime])).toEqual([["sleep-1", "2026-01-01T10:00:00Z"]]);
    await expect(second.client.send(new GetScheduleCommand({ Name: "sleep-1" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    // Written by the debounce, without waiting for close().
    await waitFor(() => savedNames().length === 1);
    expect(savedNames()).toEqual(["default/later"]);
    await second.stop();

    const third = await bed("2026-01-01T12:00:00Z");
    await third.emulator.fireDue();
    expect(third.delivered).toEqual([]);
    expect(third.emulator.schedules().map((s) => s.name)).toEqual(["later"]);
  });

  test("a one-time schedule that fired is saved as spent (next null) and does not fire again after a restart", async () => {
    const first = await bed();
    await first.create("once", "at(2026-01-01T10:00:00)");
    await first.at("2026-01-01T10:00:00Z");
    await first.stop();
    expect(saved().schedules).toMatchObject([{ name: "once", next: null }]);
    const second = await bed("2026-01-01T10:05:00Z");
    await second.emulator.fireDue();
    expect(second.delivered).toEqual([]);
  });

  test("pending retries are not kept: a one-time DELETE schedule waiting for one is complete, and gone, after a restart", async () => {
    const first = await bed("2026-01-01T09:00:00Z", {
      deliver: async () => {
        throw new Error("target down");
      },
    });
    await first.create("sleep-1", "at(2026-01-01T10:00:00)", { ActionAfterCompletion: "DELETE" });
    await first.at("2026-01-01T10:00:00Z");
    expect(first.emulator.schedules().map((s) => s.name)).toEqual(["sleep-1"]);
    await first.stop();

    const second = await bed("2026-01-01T10:05:00Z");
    await second.emulator.fireDue();
    expect(second.delivered).toEqual([]);
    expect(second.emulator.schedules()).toEqual([]);
    await second.stop();
    expect(savedNames()).toEqual([]);
  });

  test("deleted schedules and groups stay deleted after a restart", async () => {
    const first = await bed();
    await first.client.send(new CreateScheduleGroupCommand({ Name: "gone" }));
    await first.create("in-gone", "rate(5 minutes)", { GroupName: "gone" });
    await first.create("a", "rate(5 minutes)");
    await first.create("b", "rate(5 minutes)");
    await first.stop();

    const second = await bed();
    await second.client.send(new DeleteScheduleCommand({ Name: "a" }));
    await second.client.send(new DeleteScheduleGroupCommand({ Name: "gone" }));
    await second.stop();

    const third = await bed();
    expect((await third.client.send(new ListSchedulesCommand({}))).Schedules?.map((s) => s.Name)).toEqual(["b"]);
    expect((await third.client.send(new ListScheduleGroupsCommand({}))).ScheduleGroups?.map((g) => g.Name)).toEqual(["default"]);
    await expect(third.client.send(new GetScheduleCommand({ Name: "a" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test("writes are debounced: a burst of creates is written a few times, not once per create, at least 100 ms apart", async () => {
    const renames: number[] = [];
    const rename = fs.renameSync;
    jest.spyOn(fs, "renameSync").mockImplementation((from, to) => {
      if (to === file) renames.push(Date.now());
      rename(from, to);
    });
    const b = await bed();
    const began = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => b.create(`t${i}`, "rate(5 minutes)")));
    const elapsed = Date.now() - began;
    // The debounce writes on its own, without close(); the temporary file is renamed away.
    await waitFor(() => fs.existsSync(file) && saved().schedules.length === 40);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
    const writes = renames.length;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 2);
    expect(writes).toBeLessThan(40);
    for (let i = 1; i < renames.length; i++) expect((renames[i] ?? 0) - (renames[i - 1] ?? 0)).toBeGreaterThanOrEqual(95);
    // One more change: one more write (by the debounce or by close(), whichever comes first).
    await b.create("last", "rate(5 minutes)");
    await b.stop();
    expect(renames.length).toBe(writes + 1);
    expect(saved().schedules).toHaveLength(41);
  });

  test("without any change, nothing is written", async () => {
    const b = await bed();
    await b.client.send(new ListSchedulesCommand({}));
    await b.stop();
    expect(fs.existsSync(file)).toBe(false);
  });

  test("a corrupt or unreadable state file is an error naming the file", () => {
    const options = { clock: { now: () => START }, pollMs: 0, deliver: async () => undefined };
    fs.mkdirSync(join(dir, "data"), { recursive: true });
    writeFileSync(file, '{"format":"ferry-scheduler-emulator-state/1","sequence":1,"groups":[{"name":"defau');
    expect(() => new SchedulerEmulator({ ...options, stateFile: file })).toThrow(`the Scheduler emulator state file ${file} is corrupt`);

    // Valid JSON, wrong content: an expression no longer parses, a schedule's group is missing.
    const document = { format: "ferry-scheduler-emulator-state/1", sequence: 1, groups: [{ name: "default", arn: "arn", createdAt: START }], schedules: [] as unknown[] };
    const schedule = { name: "t", group: "default", arn: "arn", seq: 1, createdAt: START, modifiedAt: START, anchor: START, next: START, definition: { expression: "cron(nonsense)", flexibleTimeWindow: { Mode: "OFF" }, target: TARGET, state: "ENABLED", actionAfterCompletion: "NONE" } };
    writeFileSync(file, JSON.stringify({ ...document, schedules: [schedule] }));
    expect(() => new SchedulerEmulator({ ...options, stateFile: file })).toThrow(new RegExp(`state file ${file} is corrupt: invalid cron\\(\\) expression`));
    writeFileSync(file, JSON.stringify({ ...document, schedules: [{ ...schedule, group: "nowhere", definition: { ...schedule.definition, expression: "rate(5 minutes)" } }] }));
    expect(() => new SchedulerEmulator({ ...options, stateFile: file })).toThrow(`state file ${file} is corrupt: schedule nowhere/t is in a group that does not exist`);
    writeFileSync(file, JSON.stringify({ ...document, format: "something-else" }));
    expect(() => new SchedulerEmulator({ ...options, stateFile: file })).toThrow(`state file ${file} is corrupt: format is "something-else"`);

    const directory = join(dir, "a-directory");
    fs.mkdirSync(directory);
    expect(() => new SchedulerEmulator({ ...options, stateFile: directory })).toThrow(`cannot read the Scheduler emulator state file ${directory}`);
  });
});
