import type { BedClock } from "./bed-clock";
import type { SchedulerEmulator } from "./scheduler-emulator";
import type { Activity, SqsPoller } from "./sqs-poller";
import type { SqsServer } from "./sqs-server";

/** What a bed's time moves: its clock, SQS server, Scheduler and the pollers playing Lambda. */
export interface BedParts {
  clock: BedClock;
  sqs: SqsServer;
  scheduler: SchedulerEmulator;
  pollers: SqsPoller[];
  activity: Activity;
  /** Waits for deliveries in flight elsewhere (EventBridge's to its targets), if the bed has any. */
  settleOthers?: () => Promise<void>;
  /** How long the pollers may stay busy before the bed gives up (ms). @default 30000 */
  settleTimeoutMs?: number;
}

/**
 * Moves a bed's time forward by `ms` the way time passes on AWS, fast: it jumps from one due
 * time to the next (the SQS server's next delay or visibility timeout, the emulator's next
 * schedule), so what falls due on the way is delivered at its time, and lets every consumer
 * finish before the next jump. Resolves once nothing moves at the target time.
 */
export async function advanceBed(parts: BedParts, ms: number): Promise<void> {
  const { clock, scheduler } = parts;
  const target = clock.now() + ms;
  // The SQS server's next timer as the last settle saw it stay put. Not read again before a
  // jump: a timer that ran in real time since then has a message no consumer has had yet, and
  // a jump decided on a fresh read would pass over it (on a loaded CI machine one did, and the
  // timer's job came after the jump to the next timer's time).
  let settledNext = await settleBed(parts);
  for (;;) {
    const sqsNext = settledNext ?? Infinity;
    // A timer this close (or already run) runs in real time before a jump would land, and its
    // message would then be delivered after the jump, late: let it run and settle first.
    if (sqsNext - clock.now() < 100) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, sqsNext - clock.now()) + 5));
      settledNext = await settleBed(parts);
      continue;
    }
    await clock.advanceTo(Math.max(Math.min(target, sqsNext, nextFiring(scheduler) ?? target), clock.now() + 1));
    parts.activity.last = performance.now();
    settledNext = await settleBed(parts);
    if (clock.now() >= target) return;
  }
}

/**
 * Settled only once the SQS server's next timer stayed put through a settle of every poller: a
 * message that became visible in real time just after a poller's last empty receive moved it.
 * Resolves with that next timer (undefined when none is set).
 */
async function settleBed(parts: BedParts): Promise<number | undefined> {
  for (let before = await parts.sqs.nextTimerAt(); ; ) {
    await parts.settleOthers?.();
    await settle(parts.pollers, parts.settleTimeoutMs);
    await parts.settleOthers?.();
    const after = await parts.sqs.nextTimerAt();
    if (after === before && parts.pollers.every((p) => p.isIdle())) return after;
    before = after;
  }
}

/** When the emulator fires next, as far as its stored schedules tell. */
function nextFiring(scheduler: SchedulerEmulator): number | undefined {
  const times = scheduler.schedules().flatMap((s) => (s.state === "ENABLED" && s.nextFireAt !== undefined ? [s.nextFireAt] : []));
  return times.length === 0 ? undefined : Math.min(...times);
}

/** Resolves once every poller has been idle at once, twice in a row a few milliseconds apart. */
async function settle(pollers: SqsPoller[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`the queues did not settle within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    quiet = pollers.every((p) => p.isIdle()) ? quiet + 1 : 0;
  }
}
