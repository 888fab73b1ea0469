import { describe, expect } from "@jest/globals";
import { defaultSettings, type EventBus, type EventStore, type StoredEvent } from "../../core";
import { anEvent } from "./fixtures";
import { ulidLike } from "./job-fixtures";
import { gapAwareIt, withBed, type ContractOptions, type MakeBed } from "./queue-bed";

/** The EventBus contract's tests, by key (for `knownGaps`). */
export type EventBusTest = "routes-each" | "more-than-ten" | "empty" | "at-least-once" | "largest-events";

/**
 * An event bus with its far end observed: what the EventBus contract needs. Locally a
 * `QueueEventBus` over a `SqliteJobQueue` whose consumer reports `route` jobs; on AWS an
 * EventBridge bus (or its emulator) whose rule target, the runner, reports its input.
 */
export interface EventBusBed {
  readonly bus: EventBus;
  /**
   * Where the suite stores each event before publishing it (the bus carries stored events),
   * for a bus or router that reads events back; omit it when nothing does.
   */
  readonly events?: EventStore;
  /**
   * Starts observing the router's input: `routed` is called with the event's id each time an
   * event is handed to the router, again when the bus delivers it again. Called once per bed.
   */
  observe(routed: (eventId: string) => void): void;
  /** Resolves once what was published so far has reached the router, as far as the bed can tell. */
  settle(): Promise<void>;
  /** Stops observing and frees what the bed holds. */
  close(): Promise<void>;
}

/** Events with distinct ids (ULIDs, as the engine makes them), named round-robin from `names`. */
function events(count: number, names: string[], overrides: Partial<StoredEvent> = {}): StoredEvent[] {
  return Array.from({ length: count }, (_, k) => anEvent({ id: ulidLike(`e${k}`), name: names[k % names.length]!, ...overrides }));
}

/** Counts of deliveries per event id. */
function tally(ids: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * Behaviour every EventBus must have (a queue of `route` jobs locally, EventBridge on AWS): every
 * published event reaches the router at least once, whatever the batch size (EventBridge takes
 * 10 entries per `PutEvents` call, and a call can fail in part), and an empty publish is fine.
 */
export function describeEventBusContract(name: string, make: MakeBed<EventBusBed>, options: ContractOptions<EventBusTest> = {}): void {
  const test = gapAwareIt(options);

  /** Stores each event once (when the bed has a store), publishes the batches in turn and returns the ids the router saw. */
  async function publishAndObserve(bed: EventBusBed, ...batches: StoredEvent[][]): Promise<string[]> {
    const routed: string[] = [];
    bed.observe((eventId) => routed.push(eventId));
    const stored = new Set<string>();
    for (const batch of batches) {
      for (const event of batch) {
        if (stored.has(event.id)) continue;
        stored.add(event.id);
        await bed.events?.putEvent(event);
      }
      await bed.bus.publish(batch);
    }
    await bed.settle();
    return routed;
  }

  describe(`${name}: EventBus contract`, () => {
    test("routes-each", "routes every published event", () =>
      withBed(make, async (bed) => {
        const batch = events(3, ["app/user.created", "app/order.paid"]);
        const routed = await publishAndObserve(bed, batch);
        expect([...tally(routed).keys()].sort()).toEqual(batch.map((e) => e.id).sort());
      }),
    );

    test("more-than-ten", "routes all of more than ten events published at once", () =>
      withBed(make, async (bed) => {
        const batch = events(25, ["app/a", "app/b", "app/c"]);
        const routed = await publishAndObserve(bed, batch);
        expect([...tally(routed).keys()].sort()).toEqual(batch.map((e) => e.id).sort());
      }),
    );

    test("empty", "accepts an empty publish and routes nothing", () =>
      withBed(make, async (bed) => {
        const routed: string[] = [];
        bed.observe((eventId) => routed.push(eventId));
        await expect(bed.bus.publish([])).resolves.toBeUndefined();
        await bed.settle();
        expect(routed).toEqual([]);
      }),
    );

    test("at-least-once", "routes an event published twice at least once (routing converges on repeats)", () =>
      withBed(make, async (bed) => {
        const [once, twice] = events(2, ["app/repeat"]);
        const routed = await publishAndObserve(bed, [once!], [once!], [twice!, twice!]);
        const counts = tally(routed);
        expect([...counts.keys()].sort()).toEqual([once!.id, twice!.id].sort());
        for (const count of counts.values()) expect(count).toBeGreaterThanOrEqual(1);
      }),
    );

    test("largest-events", "routes a batch of events of the largest accepted size", () =>
      withBed(make, async (bed) => {
        // Each event is just under the engine's limit once serialized; together they exceed any single request.
        const filler = "x".repeat(defaultSettings.maxEventBytes - 1024);
        const batch = events(12, ["app/big"], { data: { filler } });
        expect(JSON.stringify(batch[0]).length).toBeLessThanOrEqual(defaultSettings.maxEventBytes);
        const routed = await publishAndObserve(bed, batch);
        expect([...tally(routed).keys()].sort()).toEqual(batch.map((e) => e.id).sort());
      }),
    );
  });
}
