import type { FunctionRecord } from "../model/app";
import { jobId, type Job } from "../model/job";
import type { RunRecord } from "../model/run";

/** A call job: discovery (`stepId` absent) or execution of one planned step. */
export type CallJob = Extract<Job, { type: "call" }>;

/**
 * The call's identity apart from how it was queued: a call woken from a concurrency backlog is
 * the same call as the one parked. Names its concurrency lease and its checkpoint session, and
 * is sent to the SDK as `ctx.qi_id`, which the SDK echoes in its checkpoints.
 */
export function callSessionId(job: CallJob): string {
  return jobId({ ...job, parked: undefined });
}

/** What the outcome handlers need to know about the call. */
export interface CallContext {
  /** The run as it was when the call was made. */
  run: RunRecord;
  fn: FunctionRecord;
  job: CallJob;
  /** When the call started: events since then may satisfy a wait it asks for. */
  callStart: number;
  /**
   * The run as read after the call answered: the outcome's first run write decides on it
   * instead of reading the run again.
   */
  latest?: RunRecord;
  /**
   * Steps a checkpointing call reported after its first report (`checkpointSteps` wrote only
   * their memos), in the order they finished: the outcome's run write records them in the stack
   * before it reads the answer against the stack.
   */
  reported?: readonly string[];
}
