import type { FunctionRecord } from "../model/app";
import type { AppStore } from "../ports";
import { TriggerIndex } from "../triggers/trigger-index";

/**
 * The registered functions and their trigger index, cached between registry changes. One
 * process that registers apps calls `invalidate()`; processes that cannot see registrations
 * (Lambdas) pass a `maxAgeMs` so they reload periodically.
 */
interface Loaded {
  byId: Map<string, FunctionRecord>;
  index: TriggerIndex;
  at: number;
}

export class FunctionCatalog {
  private loaded?: Promise<Loaded>;

  constructor(
    private readonly apps: AppStore,
    private readonly now: () => number,
    private readonly maxAgeMs = Number.POSITIVE_INFINITY,
  ) {}

  /** Drops the cache; the next read reloads from the store. */
  invalidate(): void {
    this.loaded = undefined;
  }

  /** The trigger index over active functions. */
  async index(): Promise<TriggerIndex> {
    return (await this.load()).index;
  }

  /** A function by id (active or not: runs in flight keep running after a re-sync drops it). */
  async get(id: string): Promise<FunctionRecord | undefined> {
    const cached = (await this.load()).byId.get(id);
    if (cached) return cached;
    // A function registered by another process since we loaded.
    const stored = await this.apps.getFunction(id);
    if (stored) this.invalidate();
    return stored;
  }

  private load(): Promise<Loaded> {
    const current = this.loaded;
    if (current) {
      return current.then((value) => {
        if (this.now() - value.at <= this.maxAgeMs) return value;
        this.invalidate();
        return this.load();
      });
    }
    const fresh: Promise<Loaded> = this.apps.listFunctions().then((functions) => ({
      byId: new Map(functions.map((fn) => [fn.id, fn])),
      index: new TriggerIndex(functions),
      at: this.now(),
    }));
    fresh.catch(() => {
      if (this.loaded === fresh) this.loaded = undefined;
    });
    this.loaded = fresh;
    return fresh;
  }
}
