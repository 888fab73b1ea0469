import type { RunRecord, VirtualClock } from "../../../core";
import type { InProcessFerry } from "../../support/in-process-ferry";
import { allEvents } from "../../support/listings";

/**
 * Helpers shared by the flow-control engine tests: steps that take virtual time, in-flight
 * counters, and ways to drive the engine while step bodies are still waiting on the clock
 * (`idle()` would wait for them forever, since only the test moves virtual time).
 */

/** Lets queued work, promise chains and `setImmediate` pumps run without moving the clock. */
export async function settle(rounds = 60): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Polls (without moving the clock) until `predicate` holds; fails the test if it never does. */
export async function until(predicate: () => boolean | Promise<boolean>, what = "condition", rounds = 3000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await predicate()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Moves virtual time by `ms` and lets the engine react, without waiting for step bodies to end. */
export async function tick(clock: VirtualClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

/** A promise that resolves `ms` of virtual time from now: a step body that takes that long. */
export function work(clock: VirtualClock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => clock.setAlarm(clock.now() + ms, resolve));
}

/** Counts step bodies executing at once, overall and per label (e.g. per key). */
export class InFlight {
  current = 0;
  max = 0;
  readonly byLabel = new Map<string, number>();
  readonly maxByLabel = new Map<string, number>();
  /** Labels in the order their bodies started. */
  readonly started: string[] = [];

  /** Runs `body` counted as one in-flight step under `label`. */
  async around<T>(label: string, body: () => Promise<T>): Promise<T> {
    this.current++;
    this.max = Math.max(this.max, this.current);
    const now = (this.byLabel.get(label) ?? 0) + 1;
    this.byLabel.set(label, now);
    this.maxByLabel.set(label, Math.max(this.maxByLabel.get(label) ?? 0, now));
    this.started.push(label);
    try {
      return await body();
    } finally {
      this.current--;
      this.byLabel.set(label, (this.byLabel.get(label) ?? 1) - 1);
    }
  }
}

/**
 * The runs of one function (`fnId` as written in the app; stored as `app-<fnId>`), oldest first;
 * runs created in the same millisecond in the order of their events (run ids are derived from
 * their events, so they do not sort by arrival).
 */
export async function runsOf(ferry: InProcessFerry, fnId: string): Promise<RunRecord[]> {
  const runs = (await ferry.engine.deps.runs.listRuns({ limit: 1000 })).items;
  const order = (run: RunRecord) => run.events[0]?.id ?? run.id;
  return runs.filter((run) => run.functionId === `app-${fnId}`).sort((a, b) => a.createdAt - b.createdAt || order(a).localeCompare(order(b)));
}

/** The runs an event started. */
export async function runsOfEvent(ferry: InProcessFerry, eventId: string | undefined): Promise<RunRecord[]> {
  if (!eventId) throw new Error("no event id");
  return ferry.engine.deps.runs.listRunsByEvent(eventId);
}

/** The only run an event started for a function (fails the test when there is not exactly one). */
export async function onlyRun(ferry: InProcessFerry, eventId: string | undefined, fnId?: string): Promise<RunRecord> {
  const runs = (await runsOfEvent(ferry, eventId)).filter((run) => !fnId || run.functionId === `app-${fnId}`);
  if (runs.length !== 1) throw new Error(`expected one run for event ${eventId}, found ${runs.length}`);
  return runs[0] as RunRecord;
}

/** Names of the stored events called `name` (e.g. `inngest/function.cancelled`), with their data. */
export async function eventsNamed(ferry: InProcessFerry, name: string): Promise<Record<string, unknown>[]> {
  const events = await allEvents(ferry.engine.deps.events);
  return events.filter((event) => event.name === name).map((event) => event.data as Record<string, unknown>);
}

/** Ticks virtual time by `ms` until `predicate` holds (at most `maxTicks` times); fails otherwise. */
export async function tickUntil(clock: VirtualClock, ms: number, predicate: () => boolean | Promise<boolean>, what = "condition", maxTicks = 100): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    if (await predicate()) return;
    await tick(clock, ms);
  }
  if (!(await predicate())) throw new Error(`still waiting for ${what} after ${maxTicks} ticks of ${ms} ms`);
}

/**
 * Closes an engine even when a failed test left step bodies waiting on the virtual clock:
 * moves time far ahead (firing their alarms) before closing, so `close()` cannot hang.
 */
export async function shutdown(ferry: InProcessFerry | undefined): Promise<void> {
  if (!ferry) return;
  for (let i = 0; i < 5; i++) await tick(ferry.clock, 8 * 24 * 60 * 60_000);
  await ferry.close();
}
