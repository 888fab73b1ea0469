import { randomInt } from "node:crypto";
import { monotonicFactory } from "ulid";
import type { Clock, Ids } from "../../core";

/**
 * ULIDs from the engine clock (so a virtual clock gives ids that sort with virtual time), and
 * jitter from the platform's random source.
 */
export class UlidIds implements Ids {
  private readonly next = monotonicFactory();

  constructor(private readonly clock: Clock) {}

  ulid(): string {
    return this.next(this.clock.now());
  }

  random(): number {
    return randomInt(0, 2 ** 32) / 2 ** 32;
  }
}
