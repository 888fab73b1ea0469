import { engineHeaders, engineUrl, type EngineConnection } from "./engine-api";
import type { SerializedError } from "./error-serde";
import type { OutgoingOp } from "./step-types";
import type { Logger } from "./types";

/** The body of `POST /v1/checkpoint/{runId}/async`. */
export interface CheckpointBody {
  run_id: string;
  fn_id: string;
  qi_id: string;
  /** Finished steps, as a classic 206 would carry them. */
  steps: OutgoingOp[];
  /** When this checkpoint was sent (epoch ms). */
  ts: number;
  /** When the engine's call began (epoch ms). */
  request_started_at: number;
}

/**
 * `checkpointed`: the engine stored the steps. `stale`: it answered 409 because the run moved on
 * (cancelled, or a newer call owns it). `failed`: it could not be reached after every attempt.
 */
export type CheckpointOutcome = "checkpointed" | "stale" | "failed";

/** Attempts per checkpoint, as in the official SDK. */
export const CHECKPOINT_ATTEMPTS = 5;

/**
 * The wait before attempt `failedAttempts + 1`: 100·2^(n-1) ms plus up to 100 ms of jitter, so
 * many apps retrying after an engine hiccup do not all hit it at the same instant.
 *
 * @example
 * ```ts
 * checkpointRetryDelay(3, () => 0); // 400
 * ```
 */
export function checkpointRetryDelay(failedAttempts: number, random: () => number = Math.random): number {
  return 100 * 2 ** (failedAttempts - 1) + Math.floor(random() * 100);
}

/** What `postCheckpoint` needs besides the connection. */
export interface CheckpointDeps {
  /** Waits between attempts. */
  sleep(ms: number): Promise<void>;
  logger: Logger;
}

/**
 * Posts finished steps to the engine, retrying anything but a 2xx or a 409. Never throws.
 *
 * @example
 * ```ts
 * const outcome = await postCheckpoint(engine, { run_id, fn_id, qi_id, steps: [op], ts: Date.now(), request_started_at }, deps);
 * ```
 */
export async function postCheckpoint(engine: EngineConnection, body: CheckpointBody, deps: CheckpointDeps): Promise<CheckpointOutcome> {
  const url = engineUrl(engine, `/v1/checkpoint/${encodeURIComponent(body.run_id)}/async`);
  const init = { method: "POST", headers: engineHeaders(engine.signingKey), body: JSON.stringify(body) };
  for (let attempt = 1; ; attempt++) {
    let problem: string;
    try {
      const res = await engine.fetch(url, init);
      // Read the body even though it means nothing, so the connection can be reused.
      const text = await res.text().catch(() => "");
      if (res.ok) return "checkpointed";
      if (res.status === 409) return "stale";
      problem = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`;
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    if (attempt >= CHECKPOINT_ATTEMPTS) {
      deps.logger.warn(`ferry: checkpoint to ${url} failed ${attempt} times (last: ${problem}); answering the engine with the step instead`);
      return "failed";
    }
    await deps.sleep(checkpointRetryDelay(attempt));
  }
}

/**
 * The error a call answers with when a checkpoint was refused with 409 (sent with
 * `x-inngest-no-retry: true`: retrying a call the run has moved past would only be refused again).
 */
export function staleDispatchError(runId: string): SerializedError {
  return { name: "StaleDispatchError", message: `Stale dispatch: checkpoint returned 409 (run ${runId})`, __serialized: true };
}
