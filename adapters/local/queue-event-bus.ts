import type { EventBus, RunQueue, StoredEvent } from "../../core";

/**
 * The local event bus: each published event becomes a `route` job on the persisted run queue,
 * so routing is retried like any job (and survives a restart) instead of running inside the
 * request that sent the event. The AWS bus is EventBridge, consumed by the runner Lambda.
 */
export class QueueEventBus implements EventBus {
  constructor(private readonly queue: RunQueue) {}

  async publish(events: StoredEvent[]): Promise<void> {
    for (const event of events) await this.queue.enqueue({ type: "route", eventId: event.id, name: event.name, event });
  }
}
