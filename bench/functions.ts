/**
 * The functions the benchmark runs. They are written once, against the part of the step API both
 * SDKs share, and registered with either SDK by app.ts, so the two SDKs run the same code.
 * Every event carries `data.seq`, which is how the harness recognizes a run when it finishes.
 */

/** App id of the benchmark app; functions are registered as `bench-<id>`. */
export const APP_ID = "bench";

/** An event sent by the harness or by the fan-out function. */
export interface BenchEvent {
  name: string;
  data: { seq: number } & Record<string, number>;
}

/**
 * What the handlers use of their context. Both SDKs' contexts fit it; the methods are declared
 * as methods so that each SDK's more specific signatures are accepted.
 */
export interface BenchContext {
  event: { data: Record<string, unknown> };
  step: {
    run(id: string, fn: () => number): Promise<unknown>;
    sendEvent(id: string, events: BenchEvent[]): Promise<unknown>;
  };
}

/** A benchmark function: id, triggering event and handler. */
export interface BenchFunction {
  id: string;
  event: string;
  handler(ctx: BenchContext): Promise<string>;
}

const EVENTS = {
  sequential: "bench/sequential",
  parallel: "bench/parallel",
  fanOut: "bench/fan-out",
  fanOutChild: "bench/fan-out-child",
} as const;

function count(data: Record<string, unknown>, key: string): number {
  const value = data[key];
  if (typeof value !== "number") throw new Error(`event data.${key} must be a number`);
  return value;
}

/** The functions every benchmark app serves. */
export const BENCH_FUNCTIONS: readonly BenchFunction[] = [
  {
    id: "sequential",
    event: EVENTS.sequential,
    handler: async ({ event, step }) => {
      for (let i = 0; i < count(event.data, "steps"); i++) await step.run(`s${i}`, () => i);
      return "done";
    },
  },
  {
    id: "parallel",
    event: EVENTS.parallel,
    handler: async ({ event, step }) => {
      await Promise.all(Array.from({ length: count(event.data, "steps") }, (_, i) => step.run(`p${i}`, () => i)));
      return "done";
    },
  },
  {
    id: "fan-out",
    event: EVENTS.fanOut,
    handler: async ({ event, step }) => {
      const first = count(event.data, "firstSeq");
      await step.sendEvent("fan-out", Array.from({ length: count(event.data, "runs") }, (_, i) => ({ name: EVENTS.fanOutChild, data: { seq: first + i } })));
      return "done";
    },
  },
  {
    id: "fan-out-child",
    event: EVENTS.fanOutChild,
    handler: async ({ step }) => {
      await step.run("s0", () => 0);
      return "done";
    },
  },
];

/** Ids of the functions as the engine registers them. */
export const FUNCTION_IDS = BENCH_FUNCTIONS.map((fn) => `${APP_ID}-${fn.id}`);

/** How a run's steps are laid out: one after the other, or all at once (`Promise.all`). */
export type StepShape = "sequential" | "parallel";

/** The event that starts a run of `steps` steps in the given shape. */
export function stepsEvent(shape: StepShape, seq: number, steps: number): BenchEvent {
  return { name: EVENTS[shape], data: { seq, steps } };
}

/** The event whose run sends `runs` events, tagged `firstSeq`, `firstSeq + 1`, …, each starting a one-step run. */
export function fanOutEvent(seq: number, firstSeq: number, runs: number): BenchEvent {
  return { name: EVENTS.fanOut, data: { seq, firstSeq, runs } };
}
