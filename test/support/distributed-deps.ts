import { AsyncLocalStorage } from "node:async_hooks";
import { handleJob, type Delivery, type EngineDeps, type Job } from "../../core";

/** How far the engine's view of the world drifts from one machine's. */
export interface DriftOptions {
  /** The clock of the machine handling each job, relative to the true (virtual) time, by job type. */
  skewMs: (job: Job) => number;
  /** How long an index read (documented as eventually consistent) takes to see a write. */
  lagMs: number;
  /**
   * Also lag the reads the engine needs to be strongly consistent (`listWaitsByEvent`,
   * `findEventsSince`): a negative control, showing the lag can break the engine.
   */
  lagStrongReads?: boolean;
}

/**
 * Makes one process look like many machines over DynamoDB: every job runs with its own clock
 * (skewed by `skewMs`), and index reads see a write only `lagMs` after it was made, as a GSI
 * does. Reads the ports document as strongly consistent are left exact, unless the negative
 * control asks otherwise. Returns a job handler for `createLocalEngine({ handle })`.
 */
export function driftingHandler(options: DriftOptions): (deps: EngineDeps, job: Job, delivery: Delivery) => Promise<void> {
  const skew = new AsyncLocalStorage<number>();
  const writtenAt = new Map<string, number>();
  let drifting: EngineDeps | undefined;
  return (deps, job, delivery) => {
    drifting ??= drift(deps, skew, writtenAt, options);
    return skew.run(options.skewMs(job), () => handleJob(drifting as EngineDeps, job, delivery));
  };
}

function drift(deps: EngineDeps, skew: AsyncLocalStorage<number>, writtenAt: Map<string, number>, options: DriftOptions): EngineDeps {
  const trueNow = () => deps.clock.now();
  const note = (key: string) => {
    if (!writtenAt.has(key)) writtenAt.set(key, trueNow());
  };
  // Writes made outside a job (the event API) are not seen here: one is taken as made when a
  // lagging read first meets it.
  const visible = (key: string) => {
    note(key);
    return (writtenAt.get(key) as number) + options.lagMs <= trueNow();
  };
  const lagStrong = options.lagStrongReads === true;
  return {
    ...deps,
    clock: { now: () => trueNow() + (skew.getStore() ?? 0) },
    events: {
      ...bind(deps.events),
      putEvent: async (event) => {
        note(`event:${event.id}`);
        await deps.events.putEvent(event);
      },
      listEvents: async (query) => {
        const page = await deps.events.listEvents(query);
        return { ...page, items: page.items.filter((event) => visible(`event:${event.id}`)) };
      },
      findEventsSince: async (name, since) => {
        const found = await deps.events.findEventsSince(name, since);
        return lagStrong ? found.filter((event) => visible(`event:${event.id}`)) : found;
      },
    },
    runs: {
      ...bind(deps.runs),
      putRun: async (run, expected) => {
        await deps.runs.putRun(run, expected);
        note(`run:${run.id}`);
      },
      listRuns: async (query) => {
        const page = await deps.runs.listRuns(query);
        return { ...page, items: page.items.filter((run) => visible(`run:${run.id}`)) };
      },
    },
    waits: {
      ...bind(deps.waits),
      putWait: async (wait) => {
        await deps.waits.putWait(wait);
        note(`wait:${wait.id}`);
      },
      listWaitsByEvent: async (name) => {
        const found = await deps.waits.listWaitsByEvent(name);
        return lagStrong ? found.filter((wait) => visible(`wait:${wait.id}`)) : found;
      },
    },
  };
}

/** The port's methods bound to it, so spreading keeps them callable. */
function bind<T extends object>(port: T): T {
  const bound: Record<string, unknown> = {};
  let proto: object | null = port;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (port as Record<string, unknown>)[name];
      if (name !== "constructor" && typeof value === "function" && !(name in bound)) bound[name] = (value as (...args: unknown[]) => unknown).bind(port);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return bound as T;
}
