import { pointAfter } from "./expressions";
import { conflictError, notFoundError, validationError, type RoutedRequest } from "./http";
import { checkName, parseScheduleRequest, type ScheduleDefinition } from "./validation";

/**
 * The state of the EventBridge Scheduler emulator and its API operations: schedule groups and
 * schedules in memory, answered as Scheduler answers them (dates as epoch seconds, errors as
 * `ApiError`s). When schedules fire is the emulator's business (scheduler-emulator.ts); this
 * module only says which point comes next.
 */
export class ScheduleStore {
  /** By `group/name`, in creation order. */
  readonly schedules = new Map<string, StoredSchedule>();
  readonly groups = new Map<string, StoredGroup>();
  /** `group/name/clientToken` of each delete, so a repeated delete (an SDK retry) succeeds. */
  private readonly deleteTokens = new Set<string>();
  private sequence = 0;

  constructor(
    private readonly arnPrefix: string,
    now: number,
  ) {
    this.groups.set("default", { name: "default", arn: `${arnPrefix}:schedule-group/default`, createdAt: now });
  }

  /** What a restart must keep (see persistence.ts): the live objects, in creation order, not copies. */
  state(): StoreState {
    return { groups: [...this.groups.values()], schedules: [...this.schedules.values()], sequence: this.sequence };
  }

  /**
   * Replaces the groups, schedules and sequence with a saved state, before the first request.
   * Delete tokens are not part of it: they only serve an SDK retrying a delete seconds later,
   * and every SDK delete carries one, so keeping them would grow the state file forever.
   */
  restore(state: StoreState): void {
    this.groups.clear();
    for (const group of state.groups) this.groups.set(group.name, group);
    this.schedules.clear();
    for (const schedule of state.schedules) this.schedules.set(key(schedule.group, schedule.name), schedule);
    this.sequence = state.sequence;
  }

  /** The first point after `point`, within EndDate (none for `at()`). */
  following(schedule: StoredSchedule, point: number): number | undefined {
    if (schedule.definition.parsed.kind === "at") return undefined;
    const next = pointAfter(schedule.definition.parsed, point, schedule.anchor);
    const end = schedule.definition.endDate;
    return next === undefined || (end !== undefined && next > end) ? undefined : next;
  }

  /** The first point of a freshly written schedule: `at()` keeps its instant even when past; recurring ones start now or at StartDate. */
  private firstPoint(definition: ScheduleDefinition, now: number, anchor: number): number | undefined {
    if (definition.parsed.kind === "at") return definition.parsed.at;
    const from = Math.max(now, definition.startDate ?? now);
    const next = pointAfter(definition.parsed, from - 1, anchor);
    return next === undefined || (definition.endDate !== undefined && next > definition.endDate) ? undefined : next;
  }

  /** Answers one API request (other than throttling, which the emulator decides). */
  dispatch(request: RoutedRequest, body: Record<string, unknown>, now: number): unknown {
    const name = request.name ?? "";
    switch (request.operation) {
      case "CreateSchedule":
      case "UpdateSchedule": {
        checkName(name, "Name");
        const definition = parseScheduleRequest(body);
        const group = this.existingGroup(body.GroupName);
        const id = key(group, name);
        const existing = this.schedules.get(id);
        const token = typeof body.ClientToken === "string" ? body.ClientToken : undefined;
        if (request.operation === "CreateSchedule" && existing) {
          // Same ClientToken on an untouched schedule: the SDK retrying a create that succeeded.
          if (token !== undefined && existing.createToken === token && existing.modifiedAt === existing.createdAt) return { ScheduleArn: existing.arn };
          throw conflictError(`Schedule ${name} already exists.`);
        }
        if (request.operation === "UpdateSchedule" && !existing) throw notFoundError(`Schedule ${name} does not exist.`);
        const anchor = definition.startDate ?? now;
        const stored: StoredSchedule = {
          name,
          group,
          arn: `${this.arnPrefix}:schedule/${group}/${name}`,
          definition,
          seq: existing?.seq ?? ++this.sequence,
          createdAt: existing?.createdAt ?? now,
          modifiedAt: now,
          anchor,
          next: this.firstPoint(definition, now, anchor),
        };
        if (!existing && token !== undefined) stored.createToken = token;
        this.schedules.set(id, stored);
        return { ScheduleArn: stored.arn };
      }
      case "GetSchedule": {
        const schedule = this.existingSchedule(name, request.query.get("groupName"));
        return this.describe(schedule);
      }
      case "DeleteSchedule": {
        checkName(name, "Name");
        const group = this.existingGroup(request.query.get("groupName"));
        const token = request.query.get("clientToken");
        if (!this.schedules.delete(key(group, name))) {
          if (token !== null && this.deleteTokens.has(`${group}/${name}/${token}`)) return {};
          throw notFoundError(`Schedule ${name} does not exist.`);
        }
        if (token !== null) this.deleteTokens.add(`${group}/${name}/${token}`);
        return {};
      }
      case "ListSchedules": {
        const group = request.query.get("ScheduleGroup");
        const prefix = request.query.get("NamePrefix") ?? "";
        const state = request.query.get("State");
        const all = [...this.schedules.values()]
          .filter((s) => (group === null || s.group === group) && s.name.startsWith(prefix) && (state === null || s.definition.state === state))
          .map((s) => ({ Arn: s.arn, Name: s.name, GroupName: s.group, State: s.definition.state, CreationDate: s.createdAt / 1000, LastModificationDate: s.modifiedAt / 1000, Target: { Arn: s.definition.target.Arn } }));
        const { items, NextToken } = listPage(all, request.query);
        return { Schedules: items, NextToken };
      }
      case "CreateScheduleGroup": {
        checkName(name, "Name");
        if (this.groups.has(name)) throw conflictError(`Schedule group ${name} already exists.`);
        const group: StoredGroup = { name, arn: `${this.arnPrefix}:schedule-group/${name}`, createdAt: now };
        this.groups.set(name, group);
        return { ScheduleGroupArn: group.arn };
      }
      case "GetScheduleGroup": {
        const group = this.groups.get(this.existingGroup(name));
        return group && describeGroup(group);
      }
      case "DeleteScheduleGroup": {
        const group = this.existingGroup(name);
        if (group === "default") throw validationError("The default schedule group cannot be deleted.");
        this.groups.delete(group);
        for (const schedule of [...this.schedules.values()]) if (schedule.group === group) this.schedules.delete(key(group, schedule.name));
        return {};
      }
      case "ListScheduleGroups": {
        const prefix = request.query.get("NamePrefix") ?? "";
        const all = [...this.groups.values()].filter((g) => g.name.startsWith(prefix)).map(describeGroup);
        const { items, NextToken } = listPage(all, request.query);
        return { ScheduleGroups: items, NextToken };
      }
      default:
        throw validationError(`${request.operation} is not emulated by the Scheduler emulator`);
    }
  }

  /** The group's name; a ResourceNotFoundException unless it exists (`default` when not given). */
  private existingGroup(value: unknown): string {
    const group = checkName(value ?? "default", "GroupName");
    if (!this.groups.has(group)) throw notFoundError(`Schedule group ${group} does not exist.`);
    return group;
  }

  private existingSchedule(name: string, groupName: unknown): StoredSchedule {
    checkName(name, "Name");
    const schedule = this.schedules.get(key(this.existingGroup(groupName ?? undefined), name));
    if (!schedule) throw notFoundError(`Schedule ${name} does not exist.`);
    return schedule;
  }

  /** GetSchedule's answer; dates in epoch seconds, as the SDK expects in REST-JSON. */
  private describe(schedule: StoredSchedule): Record<string, unknown> {
    const d = schedule.definition;
    return {
      Arn: schedule.arn,
      GroupName: schedule.group,
      Name: schedule.name,
      ScheduleExpression: d.expression,
      ScheduleExpressionTimezone: d.timezone,
      StartDate: d.startDate === undefined ? undefined : d.startDate / 1000,
      EndDate: d.endDate === undefined ? undefined : d.endDate / 1000,
      Description: d.description,
      State: d.state,
      CreationDate: schedule.createdAt / 1000,
      LastModificationDate: schedule.modifiedAt / 1000,
      KmsKeyArn: d.kmsKeyArn,
      Target: d.target,
      FlexibleTimeWindow: d.flexibleTimeWindow,
      ActionAfterCompletion: d.actionAfterCompletion,
    };
  }
}


/** A schedule as stored: replaced by a new object on every update. */
export interface StoredSchedule {
  name: string;
  group: string;
  arn: string;
  definition: ScheduleDefinition;
  /** Creation order, kept across updates: breaks ties between points due at the same time. */
  seq: number;
  createdAt: number;
  modifiedAt: number;
  /** Where a rate schedule counts from. */
  anchor: number;
  next: number | undefined;
  createToken?: string;
}

/** The groups, schedules (in creation order) and sequence counter: what the state file holds. */
export interface StoreState {
  groups: StoredGroup[];
  schedules: StoredSchedule[];
  /** The last `seq` handed out. */
  sequence: number;
}

/** A schedule group as stored. */
export interface StoredGroup {
  name: string;
  arn: string;
  createdAt: number;
}

/** The store key of a schedule. */
export function key(group: string, name: string): string {
  return `${group}/${name}`;
}

function describeGroup(group: StoredGroup): Record<string, unknown> {
  return { Arn: group.arn, Name: group.name, State: "ACTIVE", CreationDate: group.createdAt / 1000, LastModificationDate: group.createdAt / 1000 };
}

/** One page of a list: NextToken is the offset of the next page, MaxResults 1-100 (default 100). */
function listPage<T>(all: T[], query: URLSearchParams): { items: T[]; NextToken?: string } {
  const size = query.get("MaxResults") === null ? 100 : Number(query.get("MaxResults"));
  if (!Number.isInteger(size) || size < 1 || size > 100) throw validationError("MaxResults must be an integer from 1 to 100");
  const token = query.get("NextToken");
  const start = token === null ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0) throw validationError("NextToken is not valid");
  const items = all.slice(start, start + size);
  return start + size < all.length ? { items, NextToken: String(start + size) } : { items };
}
