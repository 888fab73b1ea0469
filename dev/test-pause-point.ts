/**
 * `FERRY_TEST_PAUSE_AT`: a pause point for crash tests (see docs/dev-server.md, "Testing crash
 * safety"). When set, every job's port calls go through a Proxy; at the chosen call the dev
 * server writes `FERRY_PAUSED <point> job=<job id>` to stderr and never answers that call, so a
 * test can SIGKILL the process at an exact spot between two writes, as a machine that stopped
 * there would leave it. When unset nothing is wrapped.
 */
import { handleJob, JOB_TYPES, jobId, type Delivery, type EngineDeps, type Job } from "../core";

/** The environment variable that arms a pause point. */
export const PAUSE_AT_ENV = "FERRY_TEST_PAUSE_AT";

/** Ports whose calls can be paused (the ones core reaches for I/O). */
const PORTS = ["events", "runs", "apps", "waits", "flow", "backlog", "skips", "queue", "timers", "bus", "caller"] as const;
type PortName = (typeof PORTS)[number];


/** Where to pause: the `nth` call of `port.method` (within jobs of `jobType`, if given). */
export interface PausePoint {
  port: PortName;
  method: string;
  /** `before`: the call is never made. `after`: it was made (and succeeded); its answer is never returned. */
  when: "before" | "after";
  nth: number;
  jobType?: Job["type"];
}

const SYNTAX = "<port>.<method>:<before|after>[:<n>][:<job type>], e.g. runs.putStep:after:1:call";

/** Reads `port.method:before|after[:n][:jobType]`; throws a message naming what is wrong. */
export function parsePausePoint(text: string): PausePoint {
  const fail = (why: string): never => {
    throw new Error(`${PAUSE_AT_ENV}=${JSON.stringify(text)}: ${why} (expected ${SYNTAX})`);
  };
  const [target = "", when = "", ...rest] = text.trim().split(":");
  const match = /^([a-z]+)\.([A-Za-z]+)$/.exec(target);
  if (!match) return fail(`"${target}" is not <port>.<method>`);
  const port = match[1] as PortName;
  if (!PORTS.includes(port)) return fail(`unknown port "${port}"; one of ${PORTS.join(", ")}`);
  if (when !== "before" && when !== "after") return fail(`"${when}" is neither before nor after`);
  // The count may be left out: `runs.putRun:after:route` is the first putRun of a route job.
  const nthText = rest[0] !== undefined && /^\d+$/.test(rest[0]) ? rest.shift() : undefined;
  const nth = nthText === undefined ? 1 : Number(nthText);
  if (!Number.isSafeInteger(nth) || nth < 1) return fail(`the count must be 1 or more`);
  const jobType = rest.shift();
  if (rest.length) return fail(`unexpected "${rest.join(":")}"`);
  if (jobType !== undefined && !(JOB_TYPES as readonly string[]).includes(jobType)) return fail(`unknown job type "${jobType}"; one of ${JOB_TYPES.join(", ")}`);
  return { port, method: match[2] as string, when, nth, jobType: jobType as Job["type"] | undefined };
}

/** The point in its full form (`runs.putStep:after:1:call`), as printed in `FERRY_PAUSED`. */
export function formatPausePoint(point: PausePoint): string {
  return `${point.port}.${point.method}:${point.when}:${point.nth}${point.jobType ? `:${point.jobType}` : ""}`;
}

/** A job handler for `createLocalEngine({handle})` that pauses at the point, and its checks. */
export interface PausingHandler {
  point: PausePoint;
  /** Throws when the point names a method the port does not have (checked once deps exist). */
  verify(deps: EngineDeps): void;
  handle(deps: EngineDeps, job: Job, delivery: Delivery): Promise<void>;
}

/** The pause point of `FERRY_TEST_PAUSE_AT`, or undefined (no wrapping at all) when unset or empty. */
export function pausePointFromEnv(env: NodeJS.ProcessEnv, announce: (line: string) => void): PausingHandler | undefined {
  const text = env[PAUSE_AT_ENV];
  return text ? pausingHandler(parsePausePoint(text), announce) : undefined;
}

/**
 * Wraps each job's deps so its port calls are counted against the point. Counting is per
 * process and only inside jobs (HTTP requests such as sending an event are never paused). Once
 * paused, every later port call of any job hangs too, without a line: the "machine" has
 * stopped, so nothing may move on between the pause and the kill. The HTTP API still answers.
 */
export function pausingHandler(point: PausePoint, announce: (line: string) => void): PausingHandler {
  let seen = 0;
  let paused = false;
  const hang = () => new Promise<never>(() => {});
  const pause = (job: Job) => {
    paused = true;
    announce(`FERRY_PAUSED ${formatPausePoint(point)} job=${jobId(job)}`);
    return hang();
  };
  const call = async (port: PortName, method: string, job: Job, invoke: () => Promise<unknown>): Promise<unknown> => {
    if (paused) return hang();
    const counted = port === point.port && method === point.method && (point.jobType === undefined || job.type === point.jobType);
    if (counted && point.when === "before" && ++seen === point.nth) return pause(job);
    const result = await invoke();
    if (paused) return hang();
    // Only a call that succeeded counts "after": a write refused by a conflict changed nothing.
    if (counted && point.when === "after" && ++seen === point.nth) return pause(job);
    return result;
  };
  const wrap = (deps: EngineDeps, job: Job): EngineDeps => {
    const wrapped: Record<string, unknown> = { ...deps };
    for (const port of PORTS) {
      wrapped[port] = new Proxy(deps[port] as object, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => call(port, String(property), job, () => Promise.resolve(value.apply(target, args)));
        },
      });
    }
    return wrapped as unknown as EngineDeps;
  };
  return {
    point,
    verify: (deps) => {
      if (typeof (deps[point.port] as unknown as Record<string, unknown>)[point.method] !== "function") {
        throw new Error(`${PAUSE_AT_ENV}: the ${point.port} port has no method "${point.method}"`);
      }
    },
    handle: (deps, job, delivery) => handleJob(wrap(deps, job), job, delivery),
  };
}
