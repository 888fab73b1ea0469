import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isoSeconds } from "./scheduler-emulator/expressions";
import { ApiError, readJson, route, sendError, sendJson, throttlingError, type SchedulerOperation } from "./scheduler-emulator/http";
import { StateFile } from "./scheduler-emulator/persistence";
import { key, ScheduleStore, type StoredSchedule } from "./scheduler-emulator/store";
import type { ScheduleTarget } from "./scheduler-emulator/validation";

export type { SchedulerOperation } from "./scheduler-emulator/http";
export type { ScheduleTarget } from "./scheduler-emulator/validation";

/**
 * An EMULATOR of Amazon EventBridge Scheduler for the offline AWS test bed — not AWS, and not a
 * complete model of it. AWS offers no local Scheduler, so this small HTTP server speaks
 * Scheduler's REST-JSON API to the real `@aws-sdk/client-scheduler` (requests and error answers
 * go through the SDK's own serialization), keeps schedules in memory, and fires them against
 * the bed's clock by calling a `deliver` callback instead of invoking an AWS target.
 *
 * Emulated: CreateSchedule, UpdateSchedule (replaces every member), GetSchedule, DeleteSchedule,
 * ListSchedules, CreateScheduleGroup, GetScheduleGroup, DeleteScheduleGroup (deletes the
 * group's schedules at once), ListScheduleGroups; the `default` group always exists; name rules
 * (1-64 of `[0-9a-zA-Z-_.]`); `at()`/`rate()`/`cron()` expressions in `ScheduleExpressionTimezone`
 * (see scheduler-emulator/expressions.ts); State; ActionAfterCompletion; StartDate/EndDate for
 * recurring schedules (ignored for `at()`, as AWS does); context attributes in Target.Input;
 * ClientToken idempotency for Create/Delete; RetryPolicy (simplified, see below).
 *
 * Firing-time rule: a schedule's point P (the `at()` instant, a cron or rate point) fires once
 * the clock reaches `floor(P to the UTC minute) + firingOffsetMs` (offset 0 by default). AWS
 * documents one-minute precision — a schedule for 1:00 is invoked between 1:00:00 and 1:00:59
 * — so the emulator fires at the earliest edge of that minute: `at(...T10:00:40)` fires as soon
 * as the clock reads 10:00:00, up to 59 s before P, never in an earlier minute and never with
 * second precision. A one-time schedule whose minute has already begun when it is written fires
 * on the next tick. Every point that falls due fires, in time order, each once; when the clock
 * jumps over several points of a recurring schedule, each missed point fires (none collapsed).
 * Cron points skipped by a DST spring-forward are skipped, a repeated hour runs once.
 *
 * Delivery: `deliver` gets the target with Input's context attributes replaced. If it throws,
 * the attempt is retried `retryDelayMs` later (fixed, no backoff or jitter) while
 * RetryPolicy allows (MaximumRetryAttempts, default 185; MaximumEventAgeInSeconds, default
 * 86400, counted from the due time); after the last attempt the failure is recorded in
 * `failures`. A pending retry is dropped if its schedule is deleted or updated meanwhile. A
 * one-time schedule with ActionAfterCompletion DELETE is removed after its last attempt
 * (success or not); a recurring one once its EndDate leaves no further point.
 *
 * Catching up is about 0.2 ms a point: a 3-day jump over a `cron(* * * * ? *)` schedule fires
 * its 4320 points in under a second.
 *
 * Persistence (`stateFile`, for `ferry aws-local`, which runs in wall-clock time): without it
 * schedules live in memory only. With it, the groups, the schedules (their definition, next
 * point, rate anchor, tie-breaking order and create ClientToken) and the sequence counter are
 * loaded from the file when the emulator is constructed, and the whole state is written back
 * after every change — a schedule or group created, updated or deleted, a firing moving a
 * schedule on or deleting it — at most once per 100 ms, atomically (`<file>.tmp`, then a
 * rename); `close()` writes what is still pending. A point that fell due while the emulator was
 * stopped fires on the first poll (or `fireDue()`) after the restart, and a recurring schedule
 * fires every point it missed, as after a clock jump. Not kept: pending retries (a one-time
 * schedule waiting for one is complete after a restart, and deleted if its
 * ActionAfterCompletion is DELETE), delete ClientTokens, and the `calls`/`deliveries`/
 * `failures` records. Not a write-ahead log: a crash without `close()` loses the changes of the
 * last 100 ms at most. One emulator per file. Format: scheduler-emulator/persistence.ts.
 *
 * Left out: IAM (RoleArn is required but never assumed), SigV4 checking, KMS, dead-letter
 * queues (DeadLetterConfig is stored, never used), FlexibleTimeWindow jitter (validated,
 * then fired as if OFF), universal/templated target semantics (no AWS API is invoked), tags,
 * quotas (no ServiceQuotaExceededException), the group's DELETING state, eventual consistency,
 * and AWS's real retry backoff.
 *
 * Files: this one is the server and the firing loop; scheduler-emulator/store.ts the API
 * operations, validation.ts the request rules, expressions.ts at/rate/cron and time zones,
 * http.ts routes and error answers, persistence.ts the state file.
 *
 * @example
 * const scheduler = new SchedulerEmulator({ clock, deliver: (target) => sendToQueue(target.Arn, target.Input) });
 * const { endpoint } = await scheduler.start();
 * clock.onJump(() => scheduler.fireDue());
 * const client = new SchedulerClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "x", secretAccessKey: "y" } });
 */
export class SchedulerEmulator {
  /** Every API request received, in order, including the throttled and failed ones. */
  readonly calls: ApiCall[] = [];
  /** Every delivery attempt, in order. */
  readonly deliveries: DeliveryRecord[] = [];
  /** Firings whose last attempt failed. */
  readonly failures: DeliveryRecord[] = [];

  private readonly clock: { now(): number };
  private readonly deliver: SchedulerEmulatorOptions["deliver"];
  private readonly pollMs: number;
  private readonly firingOffsetMs: number;
  private readonly retryDelayMs: number;
  private readonly store: ScheduleStore;
  private readonly stateFile?: StateFile;
  private readonly retries: PendingRetry[] = [];
  private throttleCount = 0;
  private server?: Server;
  private poller?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();
  private firing = false;

  constructor(options: SchedulerEmulatorOptions) {
    this.clock = options.clock;
    this.deliver = options.deliver;
    this.pollMs = options.pollMs ?? 50;
    this.firingOffsetMs = options.firingOffsetMs ?? 0;
    if (!(this.firingOffsetMs >= 0 && this.firingOffsetMs < MINUTE)) throw new RangeError("firingOffsetMs must be within the minute (0-59999)");
    this.retryDelayMs = options.retryDelayMs ?? 60_000;
    this.store = new ScheduleStore(`arn:aws:scheduler:${options.region ?? "us-east-1"}:${options.accountId ?? "123456789012"}`, this.clock.now());
    if (options.stateFile !== undefined) {
      this.stateFile = new StateFile(options.stateFile, () => this.store.state());
      const saved = this.stateFile.load();
      if (saved) {
        this.store.restore(saved);
        // Retries were not saved: a schedule that only waited for one is complete now.
        for (const schedule of saved.schedules) this.settle(schedule);
      }
    }
  }

  /** Starts the HTTP server (and the poll timer, unless `pollMs` is 0); `endpoint` goes to the SDK client. */
  async start(): Promise<{ endpoint: string }> {
    if (this.server) throw new Error("the Scheduler emulator is already started");
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    if (this.pollMs > 0) {
      // Time also passes on its own in the bed: poll so schedules fire without an explicit fireDue().
      this.poller = setInterval(() => {
        if (!this.firing) this.fireDue().catch(() => undefined);
      }, this.pollMs);
      this.poller.unref();
    }
    return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  /** Stops polling and the server, after the firing in progress (if any) has finished; then writes the state file if a change is pending. */
  async close(): Promise<void> {
    clearInterval(this.poller);
    this.poller = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.queue;
    this.stateFile?.flush();
  }

  /** The next `n` API requests are answered with ThrottlingException (HTTP 429). */
  throttleNext(n: number): void {
    this.throttleCount += n;
  }

  /** The stored schedules (of one group, or all), in creation order. */
  schedules(group?: string): ScheduleView[] {
    return [...this.store.schedules.values()].filter((s) => group === undefined || s.group === group).map((s) => this.view(s));
  }

  /** The names of the schedule groups, `default` first. */
  groups(): string[] {
    return [...this.store.groups.keys()];
  }

  /**
   * Fires everything due at `clock.now()`: each due point of each enabled schedule, and each
   * retry whose time has come, earliest first, awaiting each delivery. Calls are serialized, so
   * a poll tick and a test never fire the same point twice.
   */
  fireDue(): Promise<void> {
    const run = this.queue.then(() => this.fireDueNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fireDueNow(): Promise<void> {
    this.firing = true;
    try {
      for (;;) {
        const now = this.clock.now();
        let best: { due: number; seq: number; schedule?: StoredSchedule; retry?: PendingRetry } | undefined;
        for (const schedule of this.store.schedules.values()) {
          if (schedule.definition.state !== "ENABLED" || schedule.next === undefined) continue;
          const due = this.dueAt(schedule.next);
          if (due <= now && (!best || due < best.due || (due === best.due && schedule.seq < best.seq))) best = { due, seq: schedule.seq, schedule };
        }
        for (const retry of this.retries) {
          if (retry.at <= now && (!best || retry.at < best.due)) best = { due: retry.at, seq: retry.schedule.seq, retry };
        }
        if (!best) return;
        if (best.retry) {
          const retry = best.retry;
          this.retries.splice(this.retries.indexOf(retry), 1);
          if (this.store.schedules.get(key(retry.schedule.group, retry.schedule.name)) === retry.schedule) await this.attempt(retry.schedule, retry.point, retry.attempt);
          else this.settle(retry.schedule);
        } else if (best.schedule) {
          const schedule = best.schedule;
          const point = schedule.next as number;
          // Move on before delivering, so the delivery may update or delete the schedule.
          schedule.next = this.store.following(schedule, point);
          await this.attempt(schedule, point, 1);
          // Saved once the attempt is over, not when `next` moved: a crash during a delivery
          // (with nothing else changing) then fires the point again, as AWS delivers at least once.
          this.stateFile?.changed();
        }
      }
    } finally {
      this.firing = false;
    }
  }

  /** When a point fires: the start of its UTC minute, plus the configured offset into that minute. */
  private dueAt(point: number): number {
    return Math.floor(point / MINUTE) * MINUTE + this.firingOffsetMs;
  }

  private async attempt(schedule: StoredSchedule, point: number, attempt: number): Promise<void> {
    const executionId = randomBytes(8).toString("hex");
    const scheduledTime = isoSeconds(point);
    const target: ScheduleTarget = { ...schedule.definition.target };
    if (target.Input !== undefined) {
      target.Input = target.Input.replaceAll("<aws.scheduler.schedule-arn>", schedule.arn)
        .replaceAll("<aws.scheduler.scheduled-time>", scheduledTime)
        .replaceAll("<aws.scheduler.execution-id>", executionId)
        .replaceAll("<aws.scheduler.attempt-number>", String(attempt));
    }
    const record: DeliveryRecord = { name: schedule.name, group: schedule.group, scheduledTime, executionId, attempt, firedAt: this.clock.now() };
    this.deliveries.push(record);
    try {
      await this.deliver(target, { name: schedule.name, group: schedule.group, arn: schedule.arn, scheduledTime, executionId, attempt });
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      const policy = schedule.definition.target.RetryPolicy;
      const retryAt = this.clock.now() + this.retryDelayMs;
      const maxAgeMs = (policy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
      if (attempt <= (policy?.MaximumRetryAttempts ?? 185) && retryAt - this.dueAt(point) <= maxAgeMs) {
        this.retries.push({ schedule, point, attempt: attempt + 1, at: retryAt });
        return;
      }
      this.failures.push(record);
    }
    this.settle(schedule);
  }

  /** Applies ActionAfterCompletion once a schedule has nothing left to do. */
  private settle(schedule: StoredSchedule): void {
    const id = key(schedule.group, schedule.name);
    if (this.store.schedules.get(id) !== schedule || schedule.next !== undefined || this.retries.some((r) => r.schedule === schedule)) return;
    if (schedule.definition.actionAfterCompletion === "DELETE") {
      this.store.schedules.delete(id);
      this.stateFile?.changed();
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const routed = route(request.method ?? "GET", request.url ?? "/");
    const call: ApiCall = { operation: routed?.operation ?? "Unknown", at: this.clock.now(), status: 200 };
    try {
      if (!routed) throw new ApiError("UnknownOperationException", 404, `no Scheduler operation for ${request.method} ${request.url}`);
      const body = await readJson(request);
      if (routed.operation.includes("ScheduleGroup")) {
        if (routed.name !== undefined) call.group = routed.name;
      } else {
        if (routed.name !== undefined) call.name = routed.name;
        const group = body.GroupName ?? routed.query.get("groupName") ?? routed.query.get("ScheduleGroup") ?? undefined;
        if (typeof group === "string") call.group = group;
      }
      if (this.throttleCount > 0) {
        this.throttleCount--;
        throw throttlingError();
      }
      const result = this.store.dispatch(routed, body, this.clock.now());
      // Get and List change nothing; any other answered request may have (an idempotent repeat writes the same state again).
      if (!routed.operation.startsWith("Get") && !routed.operation.startsWith("List")) this.stateFile?.changed();
      this.calls.push(call);
      sendJson(response, result);
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError("InternalServerException", 500, String(caught));
      call.status = error.status;
      call.error = error.code;
      this.calls.push(call);
      sendError(response, error);
    }
  }

  private view(schedule: StoredSchedule): ScheduleView {
    const d = schedule.definition;
    const view: ScheduleView = {
      name: schedule.name,
      group: schedule.group,
      arn: schedule.arn,
      expression: d.expression,
      timezone: d.timezone ?? "UTC",
      state: d.state,
      actionAfterCompletion: d.actionAfterCompletion,
      target: { ...d.target },
      createdAt: schedule.createdAt,
      modifiedAt: schedule.modifiedAt,
    };
    if (schedule.next !== undefined) {
      view.nextPoint = schedule.next;
      view.nextFireAt = this.dueAt(schedule.next);
    }
    return view;
  }
}

/** Options of `SchedulerEmulator`. */
export interface SchedulerEmulatorOptions {
  /** The bed's clock (epoch ms); it may jump forward, after which `fireDue()` catches up. */
  clock: { now(): number };
  /** Hands a firing to its target (the bed sends it to SQS); throwing makes it a failed attempt. */
  deliver: (target: ScheduleTarget, schedule: FiringContext) => Promise<void>;
  /** Real-time poll interval calling `fireDue()`; 0 turns it off (tests then call `fireDue()`). @default 50 */
  pollMs?: number;
  /** How far into its minute a point fires (0-59999 ms), to try targets against a late firing. @default 0 */
  firingOffsetMs?: number;
  /** Delay before retrying a failed delivery. @default 60000 */
  retryDelayMs?: number;
  /**
   * A JSON file keeping the groups and schedules across restarts (see "Persistence" above): read
   * when the emulator is constructed (missing: start empty; unreadable or corrupt: the
   * constructor throws naming it), written after changes. Without it, state lives in memory only.
   */
  stateFile?: string;
  /** For ARNs only. @default "us-east-1" */
  region?: string;
  /** For ARNs only. @default "123456789012" */
  accountId?: string;
}

/** The schedule behind a firing, with the context-attribute values used in this attempt. */
export interface FiringContext {
  name: string;
  group: string;
  arn: string;
  /** The point fired, as `<aws.scheduler.scheduled-time>` reads (`2026-01-01T10:00:40Z`). */
  scheduledTime: string;
  executionId: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** One API request the emulator received. */
export interface ApiCall {
  operation: SchedulerOperation | "Unknown";
  name?: string;
  group?: string;
  /** HTTP status answered (200, or the error's). */
  status: number;
  /** The error type answered, e.g. `ThrottlingException`. */
  error?: string;
  /** Clock time of the request. */
  at: number;
}

/** One delivery attempt. */
export interface DeliveryRecord {
  name: string;
  group: string;
  scheduledTime: string;
  executionId: string;
  attempt: number;
  /** Clock time of the attempt. */
  firedAt: number;
  /** What `deliver` threw, if it did. */
  error?: string;
}

/** A stored schedule, as `schedules()` shows it. */
export interface ScheduleView {
  name: string;
  group: string;
  arn: string;
  expression: string;
  timezone: string;
  state: "ENABLED" | "DISABLED";
  actionAfterCompletion: "NONE" | "DELETE";
  /** Input still holds its context-attribute placeholders. */
  target: ScheduleTarget;
  createdAt: number;
  modifiedAt: number;
  /** The next point not yet fired (absent once a one-time schedule has fired). */
  nextPoint?: number;
  /** When that point fires (see the firing-time rule). */
  nextFireAt?: number;
}
interface PendingRetry {
  schedule: StoredSchedule;
  point: number;
  attempt: number;
  at: number;
}

const MINUTE = 60_000;
