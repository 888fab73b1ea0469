/**
 * Property test of event accounting on the real engine (in-process, virtual clock): every
 * accepted event ends, per function it triggers, in exactly one of a run, a batch member, a
 * debounce-superseded skip, a rate-limit skip or an idempotency skip (core/flow/admit-event.ts).
 *
 * One random stream is sent to six functions at once (all triggered by the same event name),
 * with random flow parameters: rateLimit, debounce (keyed, with or without timeout),
 * idempotency, batchEvents (keyed), batchEvents with `if`, and idempotency + rateLimit +
 * debounce combined. Time is then advanced until every debounce and batch timer has fired.
 *
 * Checked per function:
 * - the run events (runs.listRuns) and the skipped event ids (skips.listSkipsByFunction)
 *   together are exactly the sent ids, each counted once;
 * - every run completed; skip reasons are the ones the function's options can produce;
 * - outcomes equal an independent reference model of the documented semantics, including
 *   which runs exist, their events in order, and when they were created (debounce fires at
 *   min(last + period, first + timeout); a batch starts when full or `timeout` after its first
 *   event; a superseded event names the event that replaced it).
 */
import fc from "fast-check";
import type { Ferry } from "@ferry/sdk";
import type { SkipReason } from "../../../core";
import { rateLimitBucketMs } from "../../../core/flow/rate-limit-math";
import { allRuns } from "../../support/listings";
import { propertyParams, withSim, type SentEvent, type TimedEvent } from "./flow-sim";

interface Params {
  rate: { limit: number; periodMs: number };
  debounce: { periodMs: number; timeoutMs?: number };
  batch: { maxSize: number; timeoutMs: number };
}

/** What the reference model says one function did with the stream. */
interface Expected {
  runs: { events: string[]; createdAt: number }[];
  skips: { eventId: string; reason: SkipReason; supersededBy?: string }[];
}

const keyOf = (event: SentEvent) => String(event.data.k);

/** Reference model of one function's admission, in engine order: batch, idempotency, rate limit, debounce, run. */
function model(
  sent: SentEvent[],
  options: {
    batch?: { maxSize: number; timeoutMs: number; keyed: boolean; onlyIf?: (event: SentEvent) => boolean };
    idempotency?: boolean;
    rate?: Params["rate"];
    debounce?: Params["debounce"];
  },
): Expected {
  const out: Expected = { runs: [], skips: [] };
  const batches = new Map<string, { events: SentEvent[]; firstAt: number }>();
  const debounces = new Map<string, { last: SentEvent; firstAt: number; fireAt: number }>();
  const rateLog = new Map<string, { ends: number[]; lastAt: number }>();
  const idempotencyKeys = new Set<string>();
  // Timers due at or before `now` fire before an event sent at `now` is admitted.
  const fireTimers = (now: number) => {
    const due: { at: number; order: number; fire: () => void }[] = [];
    let order = 0;
    for (const [key, batch] of batches) {
      const at = batch.firstAt + (options.batch?.timeoutMs ?? 0);
      if (at <= now) due.push({ at, order: order++, fire: () => { batches.delete(key); out.runs.push({ events: batch.events.map((e) => e.id), createdAt: at }); } });
    }
    for (const [key, state] of debounces) {
      if (state.fireAt <= now) due.push({ at: state.fireAt, order: order++, fire: () => { debounces.delete(key); out.runs.push({ events: [state.last.id], createdAt: state.fireAt }); } });
    }
    due.sort((a, b) => a.at - b.at || a.order - b.order).forEach((timer) => timer.fire());
  };
  for (const event of sent) {
    fireTimers(event.at);
    const now = event.at;
    if (options.batch && (!options.batch.onlyIf || options.batch.onlyIf(event))) {
      const key = options.batch.keyed ? keyOf(event) : "";
      const batch = batches.get(key) ?? { events: [], firstAt: now };
      batch.events.push(event);
      if (batch.events.length >= options.batch.maxSize) {
        batches.delete(key);
        out.runs.push({ events: batch.events.map((e) => e.id), createdAt: now });
      } else batches.set(key, batch);
      continue;
    }
    if (options.idempotency) {
      const key = String(event.data.i);
      if (idempotencyKeys.has(key)) {
        out.skips.push({ eventId: event.id, reason: "idempotent-duplicate" });
        continue;
      }
      idempotencyKeys.add(key);
    }
    if (options.rate) {
      // Fixed buckets (docs/flow-control.md): an admitted event counts until its bucket's end leaves
      // the window, and the key's item expires one period after its last admission.
      const period = options.rate.periodMs;
      const width = rateLimitBucketMs(period);
      const held = rateLog.get(keyOf(event));
      const log = held && held.lastAt + period > now ? held.ends.filter((end) => end > now - period) : [];
      if (log.length >= options.rate.limit) {
        out.skips.push({ eventId: event.id, reason: "rate-limited" });
        continue;
      }
      rateLog.set(keyOf(event), { ends: [...log, Math.ceil(now / width) * width], lastAt: now });
    }
    if (options.debounce) {
      const state = debounces.get(keyOf(event));
      if (state) out.skips.push({ eventId: state.last.id, reason: "debounce-superseded", supersededBy: event.id });
      const firstAt = state?.firstAt ?? now;
      const cap = options.debounce.timeoutMs === undefined ? Number.POSITIVE_INFINITY : firstAt + options.debounce.timeoutMs;
      debounces.set(keyOf(event), { last: event, firstAt, fireAt: Math.min(now + options.debounce.periodMs, cap) });
      continue;
    }
    out.runs.push({ events: [event.id], createdAt: now });
  }
  fireTimers(Number.POSITIVE_INFINITY);
  return out;
}

const params: fc.Arbitrary<Params> = fc.record({
  rate: fc.record({ limit: fc.integer({ min: 1, max: 3 }), periodMs: fc.constantFrom(1_000, 2_000, 4_000) }),
  debounce: fc
    .record({ periodMs: fc.constantFrom(1_000, 2_000), timeoutFactor: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) })
    .map(({ periodMs, timeoutFactor }) => (timeoutFactor === undefined ? { periodMs } : { periodMs, timeoutMs: periodMs * timeoutFactor })),
  batch: fc.record({ maxSize: fc.integer({ min: 1, max: 4 }), timeoutMs: fc.constantFrom(1_000, 2_000) }),
});

const stream = fc.array(
  fc.record({
    gap: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 6 }).map((n) => n * 250) }, { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 5_000 }) }),
    k: fc.constantFrom("a", "b"),
    i: fc.integer({ min: 0, max: 9 }),
    b: fc.boolean(),
  }),
  { minLength: 1, maxLength: 40, size: "max" },
);

const ms = (value: number) => `${value}ms`;

describe("event accounting across rateLimit, debounce, idempotency and batchEvents (property, in-process engine)", () => {
  it("every event ends in exactly one run, batch member or recorded skip per function, as the reference model says", async () => {
    await fc.assert(
      fc.asyncProperty(params, stream, async (p, items) => {
        const debounce = { period: ms(p.debounce.periodMs), key: "event.data.k", ...(p.debounce.timeoutMs ? { timeout: ms(p.debounce.timeoutMs) } : {}) };
        const rateLimit = { limit: p.rate.limit, period: ms(p.rate.periodMs), key: "event.data.k" };
        const trigger = { event: "acc/event" };
        const handler = async ({ events }: { events: unknown[] }) => events.length;
        const build = (client: Ferry) => [
          client.createFunction({ id: "acc-rate", rateLimit }, trigger, handler),
          client.createFunction({ id: "acc-debounce", debounce }, trigger, handler),
          client.createFunction({ id: "acc-idem", idempotency: "event.data.i" }, trigger, handler),
          client.createFunction({ id: "acc-batch", batchEvents: { maxSize: p.batch.maxSize, timeout: ms(p.batch.timeoutMs), key: "event.data.k" } }, trigger, handler),
          client.createFunction({ id: "acc-batch-if", batchEvents: { maxSize: p.batch.maxSize, timeout: ms(p.batch.timeoutMs), if: "event.data.b == true" } }, trigger, handler),
          client.createFunction({ id: "acc-combo", idempotency: "event.data.i", rateLimit, debounce }, trigger, handler),
        ];
        const events: TimedEvent[] = items.map(({ gap, k, i, b }) => ({ gap, name: "acc/event", data: { k, i, b } }));
        await withSim(build, async (sim) => {
          const sent = await sim.play(events);
          await sim.drain();
          expect(sim.problems).toEqual([]);
          const expectedByFunction: Record<string, { expected: Expected; reasons: SkipReason[] }> = {
            "acc-rate": { expected: model(sent, { rate: p.rate }), reasons: ["rate-limited"] },
            "acc-debounce": { expected: model(sent, { debounce: p.debounce }), reasons: ["debounce-superseded"] },
            "acc-idem": { expected: model(sent, { idempotency: true }), reasons: ["idempotent-duplicate"] },
            "acc-batch": { expected: model(sent, { batch: { ...p.batch, keyed: true } }), reasons: [] },
            "acc-batch-if": { expected: model(sent, { batch: { ...p.batch, keyed: false, onlyIf: (e) => e.data.b === true } }), reasons: [] },
            "acc-combo": { expected: model(sent, { idempotency: true, rate: p.rate, debounce: p.debounce }), reasons: ["idempotent-duplicate", "rate-limited", "debounce-superseded"] },
          };
          const stored = await allRuns(sim.ferry.engine.deps.runs);
          const sentIds = sent.map((e) => e.id).sort();
          const indexOf = new Map(sent.map((e) => [e.id, e.index]));
          const show = (ids: string[]) => ids.map((id) => indexOf.get(id) ?? id);
          const origin = sent[0]?.at ?? 0;
          for (const [id, { expected, reasons }] of Object.entries(expectedByFunction)) {
            const functionId = `app-${id}`;
            const runs = stored.filter((run) => run.functionId === functionId).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
            const skips = await sim.ferry.engine.deps.skips.listSkipsByFunction(functionId, 100_000);

            // The accounting invariant itself: runs' events ∪ skipped events = sent, each once.
            const accounted = [...runs.flatMap((run) => run.events.map((e) => e.id)), ...skips.map((skip) => skip.eventId)].sort();
            expect({ fn: id, accounted: show(accounted) }).toEqual({ fn: id, accounted: show(sentIds) });
            for (const run of runs) expect({ fn: id, run: show(run.events.map((e) => e.id)), status: run.status }).toEqual({ fn: id, run: show(run.events.map((e) => e.id)), status: "Completed" });
            for (const skip of skips) expect({ fn: id, reason: skip.reason, allowed: reasons.includes(skip.reason) }).toEqual({ fn: id, reason: skip.reason, allowed: true });

            // And exactly the outcomes the documented semantics give.
            const actualRuns = runs.map((run) => ({ events: show(run.events.map((e) => e.id)), createdAt: run.createdAt - origin }));
            const expectedRuns = expected.runs
              .map((run) => ({ events: show(run.events), createdAt: run.createdAt - origin }))
              .sort((a, b) => a.createdAt - b.createdAt);
            const byTimeThenEvents = (a: { events: (string | number)[]; createdAt: number }, b: { events: (string | number)[]; createdAt: number }) =>
              a.createdAt - b.createdAt || String(a.events).localeCompare(String(b.events));
            expect({ fn: id, runs: actualRuns.sort(byTimeThenEvents) }).toEqual({ fn: id, runs: expectedRuns.sort(byTimeThenEvents) });
            const skipView = (s: { eventId: string; reason: SkipReason; supersededBy?: string }) => ({
              event: indexOf.get(s.eventId),
              reason: s.reason,
              ...(s.supersededBy ? { supersededBy: indexOf.get(s.supersededBy) } : {}),
            });
            const order = (a: { event?: number }, b: { event?: number }) => (a.event ?? -1) - (b.event ?? -1);
            expect({ fn: id, skips: skips.map(skipView).sort(order) }).toEqual({ fn: id, skips: expected.skips.map(skipView).sort(order) });
          }
        });
      }),
      propertyParams(20),
    );
  }, 60_000);
});
