import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isTimeZone, parseExpression } from "./expressions";
import type { StoreState, StoredGroup, StoredSchedule } from "./store";
import type { ScheduleDefinition, ScheduleTarget } from "./validation";

/**
 * The state file of the EventBridge Scheduler emulator, so that `ferry aws-local` keeps its
 * schedules across restarts: one JSON document, read once at start-up and rewritten whole after
 * changes — debounced (at most one write per `debounceMs`) and atomically (`<file>.tmp`, then a
 * rename, so a crash leaves the old state or the new one, never half of either).
 *
 * The document (times in epoch ms, pretty-printed so a user can read it):
 *
 * ```json
 * { "format": "ferry-scheduler-emulator-state/1",
 *   "sequence": 2,
 *   "groups": [{ "name": "default", "arn": "arn:aws:scheduler:…:schedule-group/default", "createdAt": 1767258000000 }],
 *   "schedules": [{ "name": "t1", "group": "default", "arn": "…", "seq": 1, "createdAt": …, "modifiedAt": …,
 *                   "anchor": …, "next": 1767261600000, "createToken": "…",
 *                   "definition": { "expression": "cron(0 5 * * ? *)", "timezone": "America/New_York",
 *                                   "flexibleTimeWindow": { "Mode": "OFF" }, "target": { "Arn": "…", "RoleArn": "…" },
 *                                   "state": "ENABLED", "actionAfterCompletion": "NONE" } }] }
 * ```
 *
 * `definition` is the stored `ScheduleDefinition` without `parsed` (a cron holds functions):
 * loading parses `expression` in `timezone` again with the code that parsed it at creation.
 * `next` is null once a one-time schedule has fired. `format` names the version, so a later
 * change can still read, or at least clearly refuse, an older file.
 */
export const STATE_FORMAT = "ferry-scheduler-emulator-state/1";

/** One emulator's state file: `load()` at start-up, `changed()` after each change, `flush()` on close. */
export class StateFile {
  private dirty = false;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly path: string,
    private readonly current: () => StoreState,
    private readonly debounceMs = 100,
  ) {}

  /** The saved state, or undefined when there is no file yet; throws naming the file when it cannot be read or is not a valid state file. */
  load(): StoreState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new Error(`cannot read the Scheduler emulator state file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      return decodeState(JSON.parse(text));
    } catch (error) {
      throw new Error(`the Scheduler emulator state file ${this.path} is corrupt: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Notes a change: the whole state is written `debounceMs` after the first change not yet written, once for all changes until then. */
  changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.write();
      } catch (error) {
        // Still dirty: the next change or flush() tries again, and flush() throws if that fails too.
        // A throw here would be an uncaught exception taking the user's whole process down.
        process.emitWarning(`could not write the Scheduler emulator state file ${this.path}: ${(error as Error).message}`);
      }
    }, this.debounceMs);
  }

  /** Writes a pending change now, without waiting for the debounce; throws if the write fails. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.write();
  }

  private write(): void {
    // Synchronous on purpose: the snapshot and its write happen in one turn of the event loop, so
    // no change slips in between (dirty is cleared truthfully) and two writes never overlap.
    const text = encodeState(this.current());
    const tmp = `${this.path}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, this.path);
    this.dirty = false;
  }
}

function encodeState(state: StoreState): string {
  const schedules = state.schedules.map(({ definition: { parsed: _parsed, ...definition }, next, ...schedule }) => ({ ...schedule, next: next ?? null, definition }));
  return `${JSON.stringify({ format: STATE_FORMAT, sequence: state.sequence, groups: state.groups, schedules }, null, 2)}\n`;
}

/** Checks the document's shape as far as the emulator relies on it; throws naming the first thing wrong. */
function decodeState(raw: unknown): StoreState {
  const doc = object(raw, "the document");
  if (doc.format !== STATE_FORMAT) throw new Error(`format is ${JSON.stringify(doc.format)}, expected ${JSON.stringify(STATE_FORMAT)}`);
  const sequence = num(doc, "sequence", "the document");
  const groups = array(doc.groups, "groups").map((g, i) => decodeGroup(object(g, `groups[${i}]`), `groups[${i}]`));
  const schedules = array(doc.schedules, "schedules").map((s, i) => decodeSchedule(object(s, `schedules[${i}]`), `schedules[${i}]`));
  const names = new Set(groups.map((g) => g.name));
  if (!names.has("default")) throw new Error("the default group is missing");
  for (const s of schedules) {
    if (!names.has(s.group)) throw new Error(`schedule ${s.group}/${s.name} is in a group that does not exist`);
    // A seq above the counter would be handed out again, and break ties between due points wrongly.
    if (s.seq > sequence) throw new Error(`schedule ${s.group}/${s.name} has seq ${s.seq}, above sequence ${sequence}`);
  }
  return { groups, schedules, sequence };
}

function decodeGroup(g: Json, where: string): StoredGroup {
  return { name: str(g, "name", where), arn: str(g, "arn", where), createdAt: num(g, "createdAt", where) };
}

function decodeSchedule(s: Json, where: string): StoredSchedule {
  const at = `${where}.definition`;
  const d = object(s.definition, at);
  const expression = str(d, "expression", at);
  const timezone = d.timezone === undefined ? undefined : str(d, "timezone", at);
  if (timezone !== undefined && !isTimeZone(timezone)) throw new Error(`${at}.timezone ${timezone} is not a time zone`);
  const target = object(d.target, `${at}.target`);
  str(target, "Arn", `${at}.target`);
  str(target, "RoleArn", `${at}.target`);
  const window = object(d.flexibleTimeWindow, `${at}.flexibleTimeWindow`);
  oneOf(window, "Mode", ["OFF", "FLEXIBLE"] as const, `${at}.flexibleTimeWindow`);
  const definition: ScheduleDefinition = {
    expression,
    parsed: parseExpression(expression, timezone ?? "UTC"),
    flexibleTimeWindow: window as ScheduleDefinition["flexibleTimeWindow"],
    target: target as ScheduleTarget,
    state: oneOf(d, "state", ["ENABLED", "DISABLED"] as const, at),
    actionAfterCompletion: oneOf(d, "actionAfterCompletion", ["NONE", "DELETE"] as const, at),
  };
  if (timezone !== undefined) definition.timezone = timezone;
  if (d.startDate !== undefined) definition.startDate = num(d, "startDate", at);
  if (d.endDate !== undefined) definition.endDate = num(d, "endDate", at);
  if (d.description !== undefined) definition.description = str(d, "description", at);
  if (d.kmsKeyArn !== undefined) definition.kmsKeyArn = str(d, "kmsKeyArn", at);
  const schedule: StoredSchedule = {
    name: str(s, "name", where),
    group: str(s, "group", where),
    arn: str(s, "arn", where),
    definition,
    seq: num(s, "seq", where),
    createdAt: num(s, "createdAt", where),
    modifiedAt: num(s, "modifiedAt", where),
    anchor: num(s, "anchor", where),
    next: s.next === null ? undefined : num(s, "next", where),
  };
  if (s.createToken !== undefined) schedule.createToken = str(s, "createToken", where);
  return schedule;
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`${where} is not an object`);
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not an array`);
  return value;
}

function str(o: Json, key: string, where: string): string {
  const value = o[key];
  if (typeof value !== "string") throw new Error(`${where}.${key} is not a string`);
  return value;
}

function num(o: Json, key: string, where: string): number {
  const value = o[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${where}.${key} is not a number`);
  return value;
}

function oneOf<T extends string>(o: Json, key: string, values: readonly T[], where: string): T {
  const value = o[key];
  if (!(values as readonly unknown[]).includes(value)) throw new Error(`${where}.${key} is not one of ${values.join(", ")}`);
  return value as T;
}
