import { jobId, type Job } from "../../core";

/** Jobs for the queue and timer contracts: realistic ids (ULIDs) and bodies that travel badly. */

/** A ULID-shaped id ending in `tag` (Crockford base32, 26 characters; distinct tags of up to 22 give distinct ids). */
export function ulidLike(tag: string): string {
  return `01KQ${tag.toUpperCase().replace(/[^0-9A-HJKMNP-TV-Z]/g, "0").padStart(22, "0")}`.slice(0, 26);
}

/** A `wake` job of a run: jobs of one run share an ordering group, each step has its own id. */
export function aWake(run: string, stepId: string): Job {
  return { type: "wake", runId: ulidLike(run), stepId };
}

/** One job of every type, each in a group of its own, with optional fields and non-ASCII text. */
export function oneOfEachJob(): Job[] {
  return [
    { type: "call", runId: ulidLike("c1"), attempt: 0, position: 3 },
    { type: "call", runId: ulidLike("c2"), stepId: "step ü ✓ \"quoted\"", attempt: 2, parked: ulidLike("parked") },
    { type: "wake", runId: ulidLike("w1"), stepId: "nap" },
    { type: "wait-timeout", runId: ulidLike("t1"), stepId: "approval" },
    { type: "route", eventId: ulidLike("e1"), functionId: "app-fn", name: "app/user.created" },
    { type: "route", eventId: ulidLike("e2"), name: "app/über" },
    { type: "cron", functionId: "app-fn", cron: "0 * * * *", at: Date.UTC(2026, 0, 1) },
    { type: "debounce", functionId: "app-fn", key: "user-42 ✓" },
    { type: "batch", functionId: "app-fn", key: "acct-7", batchId: ulidLike("b1") },
    { type: "run-timeout", runId: ulidLike("r1"), kind: "finish" },
    { type: "concurrency-recheck", key: "fn:app-fn:acct-1" },
  ];
}

/** The step id of a `wake` job (the tests label their jobs by it). */
export function stepOf(job: Job): string {
  return "stepId" in job && job.stepId !== undefined ? job.stepId : jobId(job);
}

/** Jobs sorted by id, for comparing what was delivered with what was sent, in any order. */
export function byId(jobs: Job[]): Job[] {
  return [...jobs].sort((a, b) => (jobId(a) < jobId(b) ? -1 : jobId(a) > jobId(b) ? 1 : 0));
}
