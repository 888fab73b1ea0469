import type { StoredEvent } from "../model/event";

/**
 * Carries stored events to the router. Publishing happens after the event is stored; the router
 * consumes each event as a `route` job (locally through the run queue, on AWS through an
 * EventBridge bus and the runner Lambda). Delivery is at least once: routing converges.
 */
export interface EventBus {
  /** Hands events to the router; resolves once the bus accepted every one of them. */
  publish(events: StoredEvent[]): Promise<void>;
}
