/** Events as the engine stores and hands them to functions. */

/** An event as callers send it (`POST /e/:key`, `step.sendEvent`, `client.send`). */
export interface EventInput {
  name: string;
  data?: Record<string, unknown>;
  id?: string;
  ts?: number;
  v?: string;
  user?: Record<string, unknown>;
}

/** An accepted event: the shape functions receive in `event` / `events[]`. */
export interface FerryEvent {
  /** Engine-assigned ULID; the id returned to the sender and given to functions. */
  id: string;
  name: string;
  data: Record<string, unknown>;
  user: Record<string, unknown>;
  /** Sender's timestamp in ms (defaults to the time it was received). */
  ts: number;
  v?: string;
}

/** A stored event with what the engine needs beyond the wire shape. */
export interface StoredEvent extends FerryEvent {
  /** The id the sender gave, used to deduplicate for 24 h. */
  externalId?: string;
  /** Engine clock time it was accepted; waits look back over events by this time. */
  receivedAt: number;
}

/** Event names the engine itself emits. */
export const SystemEvents = {
  functionFinished: "inngest/function.finished",
  functionFailed: "inngest/function.failed",
  functionCancelled: "inngest/function.cancelled",
  functionInvoked: "inngest/function.invoked",
  scheduledTimer: "inngest/scheduled.timer",
} as const;
