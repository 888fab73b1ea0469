/** Opcodes an SDK returns in a 206 response, as the engine reads them. */

/** Opcode names on the wire that the engine acts on. */
export type OpName =
  | "StepPlanned"
  | "StepRun"
  | "Step"
  | "StepError"
  | "StepFailed"
  | "Sleep"
  | "WaitForEvent"
  | "InvokeFunction"
  | "RunComplete";

/** One op as sent by the SDK. `id` is the hashed step id. */
export interface WireOp {
  op: string;
  id: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
  /** How long the step's code ran, from the op's `timing` (nanoseconds on the wire); absent when not sent or unreadable. */
  durationMs?: number;
}

const known = new Set<string>([
  "StepPlanned",
  "StepRun",
  "Step",
  "StepError",
  "StepFailed",
  "Sleep",
  "WaitForEvent",
  "InvokeFunction",
  "RunComplete",
]);

/** True when the engine knows how to carry out this opcode. */
export function isKnownOp(op: string): op is OpName {
  return known.has(op);
}

/**
 * Reads a 206 body into ops. Throws a plain Error on a body that is not an array of ops,
 * which the executor treats as a retriable SDK fault.
 */
export function parseOps(body: unknown): WireOp[] {
  if (!Array.isArray(body)) throw new Error("SDK answered 206 without an array of opcodes");
  return body.map((raw, index) => {
    if (!raw || typeof raw !== "object") throw new Error(`opcode ${index} is not an object`);
    const op = raw as Record<string, unknown>;
    if (typeof op.op !== "string" || typeof op.id !== "string") {
      throw new Error(`opcode ${index} lacks a string "op" and "id"`);
    }
    const durationMs = durationOf(op.timing);
    return {
      op: op.op,
      id: op.id,
      name: typeof op.name === "string" ? op.name : undefined,
      displayName: typeof op.displayName === "string" ? op.displayName : undefined,
      opts: op.opts && typeof op.opts === "object" ? (op.opts as Record<string, unknown>) : undefined,
      data: op.data,
      error: op.error,
      ...(durationMs === undefined ? {} : { durationMs }),
    };
  });
}

/** The duration of Go's `interval.Interval` (`{a: start ns, b: duration ns}`), in whole ms; a start is the SDK host's clock, so it is not used. */
function durationOf(timing: unknown): number | undefined {
  const ns = timing && typeof timing === "object" ? (timing as { b?: unknown }).b : undefined;
  return typeof ns === "number" && Number.isFinite(ns) && ns >= 0 ? Math.round(ns / 1e6) : undefined;
}

/** When a step the SDK reports as done began: its reported duration before `now`, never before `floor` (the call's start). */
export function stepStart(op: WireOp, now: number, floor: number): number {
  return op.durationMs === undefined ? floor : Math.max(floor, now - op.durationMs);
}

/** The user's step id for display: `displayName`, else `name`, else the hash. */
export function opLabel(op: WireOp): string {
  return op.displayName ?? op.name ?? op.id;
}
