import type { FunctionRecord } from "../model/app";
import type { Job } from "../model/job";
import type { RunRecord } from "../model/run";

/** A call job: discovery (`stepId` absent) or execution of one planned step. */
export type CallJob = Extract<Job, { type: "call" }>;

/** What the outcome handlers need to know about the call. */
export interface CallContext {
  /** The run as it was when the call was made. */
  run: RunRecord;
  fn: FunctionRecord;
  job: CallJob;
  /** When the call started: events since then may satisfy a wait it asks for. */
  callStart: number;
}
