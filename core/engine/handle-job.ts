import type { Job } from "../model/job";
import { waitId } from "../model/wait";
import { completeStep } from "./complete-step";
import { fireCron } from "./cron-schedule";
import type { EngineDeps } from "./deps";
import { executeCall } from "./execute-call";
import { flushBatch } from "../flow/batch";
import { freeCapacity, wakeParked } from "../flow/concurrency";
import { fireDebounce } from "../flow/debounce";
import { cancelRun } from "./run-controls";

/** How a queue delivered a job. */
export interface Delivery {
  /** True when this job was handed out before and not acknowledged (its worker died). */
  redelivered: boolean;
}

type Handlers = { [K in Job["type"]]: (deps: EngineDeps, job: Extract<Job, { type: K }>, delivery: Delivery) => Promise<void> };

const handlers = {
  call: (deps, job, delivery) => executeCall(deps, job, delivery.redelivered),
  wake: async (deps, job, delivery) => {
    const step = await deps.runs.getStep(job.runId, job.stepId);
    const identity = step ?? { runId: job.runId, id: job.stepId, name: job.stepId, kind: "sleep" as const };
    await completeStep(deps, identity, null, "Completed", 1, delivery.redelivered);
  },
  "wait-timeout": async (deps, job, delivery) => {
    const step = await deps.runs.getStep(job.runId, job.stepId);
    if (!step || step.memo) return;
    if (step.kind === "invoke") {
      const error = { name: "InngestInvokeTimeoutError", message: "Timed out waiting for invoked function to complete" };
      await completeStep(deps, step, { error }, "Failed", 1, delivery.redelivered);
      return;
    }
    // Deleting the wait claims it against a matching event arriving at the same moment.
    if (!(await deps.waits.deleteWait(waitId(job.runId, job.stepId))) && !delivery.redelivered) return;
    await completeStep(deps, step, null, "Completed", 1, delivery.redelivered);
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
  "concurrency-recheck": async (deps, job) => {
    await wakeParked(deps.backlog, deps.queue, job.key, await freeCapacity(deps.flow, job.key, deps.clock.now()));
  },
} satisfies Handlers;

/**
 * Runs one job from the queue. Every handler is idempotent: a job delivered twice changes
 * nothing the second time, so queues may deliver at least once.
 */
export function handleJob(deps: EngineDeps, job: Job, delivery: Delivery = { redelivered: false }): Promise<void> {
  const handler = handlers[job.type] as (deps: EngineDeps, job: Job, delivery: Delivery) => Promise<void>;
  return handler(deps, job, delivery);
}
