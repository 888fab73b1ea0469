import { serializeError } from "../errors";
import { jobId, jobRunId, type Job } from "../model/job";
import { completeStep } from "./complete-step";
import { fireCron } from "./cron-schedule";
import type { EngineDeps } from "./deps";
import { executeCall } from "./execute-call";
import { finishRun } from "./finish-run";
import { flushBatch } from "../flow/batch";
import { recheckKey } from "../flow/concurrency";
import { fireDebounce } from "../flow/debounce";
import { routeEvent } from "./route-event";
import { cancelRun } from "./run-controls";
import { convergeRun } from "./run-transition";

/** How a queue delivered a job. */
export interface Delivery {
  /** True when this job was handed out before and not acknowledged (its worker died or threw). */
  redelivered: boolean;
}

type Handlers = { [K in Job["type"]]: (deps: EngineDeps, job: Extract<Job, { type: K }>, delivery: Delivery) => Promise<void> };

const handlers = {
  call: (deps, job, delivery) => executeCall(deps, job, delivery.redelivered),
  wake: async (deps, job) => {
    const step = await deps.runs.getStep(job.runId, job.stepId);
    const identity = step ?? { runId: job.runId, id: job.stepId, name: job.stepId, kind: "sleep" as const };
    await completeStep(deps, identity, null, "Completed", 1);
  },
  "wait-timeout": async (deps, job) => {
    const step = await deps.runs.getStep(job.runId, job.stepId);
    const identity = step ?? { runId: job.runId, id: job.stepId, name: job.stepId, kind: "wait" as const };
    // Memoizing claims the step against a matching event arriving at the same moment.
    if (identity.kind === "invoke") {
      const error = { name: "InngestInvokeTimeoutError", message: "Timed out waiting for invoked function to complete" };
      await completeStep(deps, identity, { error }, "Failed", 1);
    } else await completeStep(deps, identity, null, "Completed", 1);
  },
  route: async (deps, job) => {
    const event = job.event ?? (await deps.events.getEvent(job.eventId));
    if (event) await routeEvent(deps, event, job.functionId);
    else deps.observer.problem?.(`route job for event ${job.eventId}, which is not stored; nothing to route`, undefined);
  },
  cron: (deps, job) => fireCron(deps, job),
  debounce: (deps, job) => fireDebounce(deps, job),
  batch: (deps, job) => flushBatch(deps, job),
  "run-timeout": async (deps, job) => {
    const run = await deps.runs.getRun(job.runId);
    if (!run || run.status !== "Running") return;
    if (job.kind === "start" && run.startedAt === undefined) await cancelRun(deps, run.id, "timed out waiting to start (timeouts.start)");
    if (job.kind === "finish") await cancelRun(deps, run.id, "timed out before finishing (timeouts.finish)");
  },
  "concurrency-recheck": (deps, job) => recheckKey(deps, job.key),
} satisfies Handlers;

/**
 * Runs one job from the queue. Every job converges: a job delivered again (its worker died or
 * threw halfway) first re-derives and re-issues everything its run's current state calls for,
 * then does its own work, which finds what was already written and writes only what is missing.
 */
export async function handleJob(deps: EngineDeps, job: Job, delivery: Delivery = { redelivered: false }): Promise<void> {
  const runId = jobRunId(job);
  if (delivery.redelivered && runId) await convergeRun(deps, runId, jobId(job));
  const handler = handlers[job.type] as (deps: EngineDeps, job: Job, delivery: Delivery) => Promise<void>;
  await handler(deps, job, delivery);
}

/**
 * A queue gave up on a job after its last delivery. Its run must not sit silent: it fails with
 * the job's last error. Work that belongs to no run (routing, flow control) is reported.
 */
export async function dropJob(deps: EngineDeps, job: Job, deliveries: number, error: unknown): Promise<void> {
  const runId = jobRunId(job);
  const cause = serializeError(error);
  const message = `a ${job.type} job of this run failed ${deliveries} times and was dropped; last error: ${cause.name}: ${cause.message}`;
  deps.observer.problem?.(`dropping ${job.type} job ${jobId(job)} after ${deliveries} failed deliveries`, error);
  if (runId) await finishRun(deps, runId, { status: "Failed", error: { name: "JobDroppedError", message, cause } });
}
