import { fanOutEvent } from "./functions";
import type { Harness } from "./harness";

/** Fan-out result: one event whose run sends `runs` events, each starting a one-step run. */
export interface FanOutResult {
  runs: number;
  /** Client send start of the one event → the last of the `runs` runs finished, ms. */
  wallMs: number;
  /** `runs` ÷ wall time. */
  runsPerSec: number;
  /** Client send start → the sending run finished (its `step.sendEvent` was accepted), ms. */
  senderRunMs: number;
}

/**
 * Sends one event; its run does one `step.sendEvent` of `runs` events (a single `POST /e/` from
 * the SDK), and each of those starts a run of one `step.run`. The engine accepts the batch,
 * routes every event, creates and runs every run; the time until the last one finishes is
 * the engine's fan-out.
 */
export async function fanOutWorkload(harness: Harness, runs: number): Promise<FanOutResult> {
  const sender = harness.seqs(1);
  const first = harness.seqs(runs);
  const children = Promise.all(Array.from({ length: runs }, (_, i) => harness.waitFor(first + i)));
  const { sentAt, finished } = await harness.runOnce(fanOutEvent(sender, first, runs));
  const lastAt = Math.max(...(await children).map((run) => run.observedAt));
  const wallMs = lastAt - sentAt;
  return { runs, wallMs, runsPerSec: runs / (wallMs / 1000), senderRunMs: finished.observedAt - sentAt };
}
