/**
 * Discrete-event driver for the flow-control property tests.
 *
 * It runs the real engine and the real SDK in one process (`startInProcessFerry`) and moves the
 * virtual clock from one interesting instant to the next: the end of a step body sleeping on the
 * virtual clock, the next stored engine timer (throttled start, debounce, batch, lease recheck),
 * or the next event of the generated stream. Between two instants it waits until the engine is
 * quiescent: every leased queue job is a call whose step body sleeps on the virtual clock, and no
 * job is due. `engine.idle()` cannot be used while a step sleeps on the virtual clock (the call
 * job stays in flight until time moves), hence this driver.
 *
 * Quiescence reads the local adapter's `jobs` table (leased rows = jobs in flight, unleased rows
 * = queued jobs and timers), the same table the queue dispatches from.
 */
import type { Ferry, ServableFunction } from "@ferry/sdk";
import type { VirtualClock } from "../../../core";
import { startInProcessFerry, T0, type InProcessFerry } from "../../support/in-process-ferry";

export { T0 };

/** Step bodies sleep here, so the driver knows how many calls are legitimately in flight and until when. */
export class StepSleeper {
  private clock?: VirtualClock;
  private readonly pending = new Map<number, number>();
  private nextId = 0;

  attach(clock: VirtualClock): void {
    this.clock = clock;
  }

  now(): number {
    if (!this.clock) throw new Error("sleeper used before the engine started");
    return this.clock.now();
  }

  /** Resolves `ms` of virtual time from now. */
  sleep(ms: number): Promise<void> {
    const clock = this.clock;
    if (!clock) throw new Error("sleeper used before the engine started");
    const id = this.nextId++;
    const at = clock.now() + ms;
    this.pending.set(id, at);
    return new Promise<void>((resolve) => {
      clock.setAlarm(at, () => {
        this.pending.delete(id);
        resolve();
      });
    });
  }

  /** Step bodies currently sleeping. */
  get blocked(): number {
    return this.pending.size;
  }

  /** Earliest wake-up of a sleeping step body. */
  nextAt(): number | undefined {
    let next: number | undefined;
    for (const at of this.pending.values()) if (next === undefined || at < next) next = at;
    return next;
  }
}

/** One event of a generated stream: sent `gap` ms after the previous one (0 = same request). */
export interface TimedEvent {
  gap: number;
  name: string;
  data: Record<string, unknown>;
}

/** An event as it was sent: its engine id and virtual send time. */
export interface SentEvent {
  id: string;
  at: number;
  index: number;
  data: Record<string, unknown>;
  name: string;
}

/** A running simulation. */
export interface Sim {
  ferry: InProcessFerry;
  clock: VirtualClock;
  sleeper: StepSleeper;
  /** Problems the engine reported (failed background jobs); a property expects none. */
  problems: string[];
  /** Waits until the engine is quiescent at the current virtual time. */
  settle(): Promise<void>;
  /** Moves virtual time to `at`, stopping at every step end and engine timer on the way. */
  runUntil(at: number): Promise<void>;
  /** Plays the stream (gap 0 events go in the same request as the previous one) and returns what was sent. */
  play(events: TimedEvent[]): Promise<SentEvent[]>;
  /**
   * Moves time until `done()` holds or nothing is left to happen (no sleeping step, no stored
   * job or timer). Throws past `horizonMs` of virtual time from now.
   */
  drain(done?: () => Promise<boolean>, horizonMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of a simulation. */
export interface SimOptions {
  /** Called at every quiescent instant (after each settle while driving time). */
  onQuiescent?: () => void | Promise<void>;
}

/** Starts the engine with the functions `build` declares; handlers may sleep on `sleeper`. */
export async function startSim(build: (client: Ferry, sleeper: StepSleeper) => ServableFunction[], options: SimOptions = {}): Promise<Sim> {
  const sleeper = new StepSleeper();
  const problems: string[] = [];
  const ferry = await startInProcessFerry((client) => build(client, sleeper), {
    observer: { problem: (message, error) => problems.push(`${message}: ${error instanceof Error ? error.message : String(error)}`) },
  });
  const { clock, engine } = ferry;
  sleeper.attach(clock);
  const leasedStatement = engine.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE leased_until IS NOT NULL");
  const dueStatement = engine.db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE leased_until IS NULL AND run_at <= ?");
  const nextStatement = engine.db.prepare<[], { at: number | null }>("SELECT MIN(run_at) AS at FROM jobs WHERE leased_until IS NULL");

  const quiescent = () => (leasedStatement.get()?.n ?? 0) === sleeper.blocked && (dueStatement.get(clock.now())?.n ?? 0) === 0;

  const settle = async () => {
    let quiet = 0;
    for (let spin = 0; spin < 200_000; spin++) {
      // The SDK detects the end of user code with a real setTimeout(0); let timers run now and then.
      await new Promise<void>((resolve) => (spin % 8 === 7 ? setTimeout(resolve, 0) : setImmediate(resolve)));
      if (quiescent()) {
        if (++quiet >= 2) {
          await options.onQuiescent?.();
          return;
        }
      } else quiet = 0;
    }
    throw new Error(`engine did not settle at t=${clock.now() - T0}: ${leasedStatement.get()?.n} leased jobs, ${sleeper.blocked} sleeping steps`);
  };

  const nextInstant = (): number | undefined => {
    const candidates = [sleeper.nextAt(), nextStatement.get()?.at ?? undefined].filter((at): at is number => at !== undefined);
    return candidates.length ? Math.max(clock.now(), Math.min(...candidates)) : undefined;
  };

  const runUntil = async (at: number) => {
    for (;;) {
      await settle();
      const next = nextInstant();
      if (next === undefined || next > at) break;
      clock.setTime(next);
    }
    if (clock.now() < at) {
      clock.setTime(at);
      await settle();
    }
  };

  const play = async (events: TimedEvent[]) => {
    const sent: SentEvent[] = [];
    let index = 0;
    while (index < events.length) {
      const first = events[index] as TimedEvent;
      await runUntil(clock.now() + first.gap);
      const group: TimedEvent[] = [first];
      while (index + group.length < events.length && (events[index + group.length] as TimedEvent).gap === 0) group.push(events[index + group.length] as TimedEvent);
      const ids = await ferry.send(group.map((event) => ({ name: event.name, data: event.data })));
      const at = clock.now();
      group.forEach((event, i) => sent.push({ id: ids[i] as string, at, index: index + i, data: event.data, name: event.name }));
      index += group.length;
    }
    await settle();
    return sent;
  };

  const drain = async (done?: () => Promise<boolean>, horizonMs = 24 * 60 * 60_000) => {
    const limit = clock.now() + horizonMs;
    for (;;) {
      await settle();
      if (done && (await done())) return;
      const next = nextInstant();
      if (next === undefined) return;
      if (next > limit) throw new Error(`still busy ${horizonMs} ms of virtual time later`);
      clock.setTime(next);
    }
  };

  const close = async () => {
    // Wake every sleeping step so in-flight calls can finish; the queue then stops.
    if (sleeper.blocked > 0) clock.advance(7 * 24 * 60 * 60_000);
    await ferry.close();
  };

  return { ferry, clock, sleeper, problems, settle, runUntil, play, drain, close };
}

/** Runs `body` on a fresh simulation and always closes it. */
export async function withSim<T>(build: (client: Ferry, sleeper: StepSleeper) => ServableFunction[], body: (sim: Sim) => Promise<T>, options: SimOptions = {}): Promise<T> {
  const sim = await startSim(build, options);
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

/**
 * fast-check parameters: `numRuns` (times `FERRY_PROPERTY_RUNS_FACTOR` for a longer soak), plus
 * `FERRY_PROPERTY_SEED` / `FERRY_PROPERTY_PATH` from the environment to replay a failure exactly
 * (fast-check prints both when a property fails), e.g.
 * `FERRY_PROPERTY_SEED=1118994159 FERRY_PROPERTY_PATH="12:1:1" npx jest test/engine/properties`.
 */
export function propertyParams(numRuns: number): { numRuns: number; seed?: number; path?: string } {
  const seed = process.env.FERRY_PROPERTY_SEED;
  const path = process.env.FERRY_PROPERTY_PATH;
  const factor = Number(process.env.FERRY_PROPERTY_RUNS_FACTOR ?? 1);
  return { numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))), ...(seed ? { seed: Number(seed) } : {}), ...(path ? { path } : {}) };
}

/** Number of starts in the busiest window [t, t + length) that begins at one of the starts. */
export function busiestWindow(times: number[], length: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && (sorted[end] as number) < (sorted[start] as number) + length) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

/** Groups values by a key. */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
