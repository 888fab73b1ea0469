import { ConflictError } from "../errors";
import type { FunctionRecord } from "../model/app";
import type { AppStore } from "../ports";
import { TriggerIndex } from "../triggers/trigger-index";

/** How often, by default, a catalog asks whether the registry changed (ms). */
export const DEFAULT_CATALOG_CHECK_INTERVAL_MS = 1_000;

/** Options of a {@link FunctionCatalog}. */
export interface FunctionCatalogOptions {
  /**
   * At most how often to read the registry version, to notice registrations made by other
   * processes (on AWS, many Lambdas register and read). A read within this interval of the
   * last check trusts the cache.
   * @default 1000
   */
  checkIntervalMs?: number;
}

interface Loaded {
  byId: Map<string, FunctionRecord>;
  index: TriggerIndex;
  /** Registry version the functions were listed at (or after). */
  version: number;
  checkedAt: number;
}

/**
 * The registered functions and their trigger index, cached between registry changes. Every sync
 * bumps the store's registry version ({@link announceRegistryChange}); the catalog reads that
 * version at most every `checkIntervalMs` and lists the functions again only when it moved. The
 * process that registers also calls `invalidate()`, so it sees its own sync at once.
 */
export class FunctionCatalog {
  private loaded?: Promise<Loaded>;
  private readonly checkIntervalMs: number;

  constructor(
    private readonly apps: AppStore,
    private readonly now: () => number,
    options: FunctionCatalogOptions = {},
  ) {
    this.checkIntervalMs = options.checkIntervalMs ?? DEFAULT_CATALOG_CHECK_INTERVAL_MS;
  }

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
    // Registered by another process since the last check: no need to wait for the interval.
    const stored = await this.apps.getFunction(id);
    if (stored) this.invalidate();
    return stored;
  }

  private load(): Promise<Loaded> {
    const current = this.loaded;
    if (!current) return this.replace(this.list());
    return current.then((value) => {
      if (this.now() - value.checkedAt < this.checkIntervalMs) return value;
      // Concurrent callers share one check: whoever finds the cache still current starts it.
      if (this.loaded !== current) return this.load();
      return this.replace(this.recheck(value));
    });
  }

  private async recheck(value: Loaded): Promise<Loaded> {
    const version = await this.apps.getRegistryVersion();
    if (version === value.version) return { ...value, checkedAt: this.now() };
    return this.list(version);
  }

  private async list(knownVersion?: number): Promise<Loaded> {
    // The version is read before the functions: a sync bumps it only after storing them, so a
    // list read after seeing version v holds everything v announced (a later bump only costs
    // one more reload). Reading it after the list could pair a stale list with a new version.
    const version = knownVersion ?? (await this.apps.getRegistryVersion());
    const functions = await this.apps.listFunctions();
    return { byId: new Map(functions.map((fn) => [fn.id, fn])), index: new TriggerIndex(functions), version, checkedAt: this.now() };
  }

  private replace(next: Promise<Loaded>): Promise<Loaded> {
    this.loaded = next;
    next.catch(() => {
      if (this.loaded === next) this.loaded = undefined;
    });
    return next;
  }
}

/**
 * Tells every process's catalog that the registry changed: one conditional write of the
 * registry version, made after a sync stored its functions and app.
 *
 * Every sync bumps, changed or not: a sync that stopped after storing functions but before
 * bumping is retried as an unchanged sync, and only its bump lets other processes see them.
 * A conflict needs no retry: the version moved after this sync read it, so after its writes,
 * and a catalog that sees the newer version lists those writes too.
 */
export async function announceRegistryChange(apps: AppStore): Promise<void> {
  const version = await apps.getRegistryVersion();
  try {
    await apps.bumpRegistryVersion(version);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
