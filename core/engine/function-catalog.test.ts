import { ConflictError } from "../errors";
import { readFlowConfig } from "../flow/flow-config";
import type { AppRecord, FunctionRecord } from "../model/app";
import type { AppStore } from "../ports";
import { VirtualClock } from "../time/virtual-clock";
import { announceRegistryChange, FunctionCatalog } from "./function-catalog";

/** An in-memory AppStore that counts the reads a catalog makes. */
class MemoryApps implements AppStore {
  readonly functions = new Map<string, FunctionRecord>();
  version = 0;
  reads = { version: 0, list: 0 };
  /** Runs right after the version is read: another process acting in between. */
  afterVersionRead?: () => void;

  async putApp(_app: AppRecord): Promise<void> {}
  async getApp(): Promise<AppRecord | undefined> {
    return undefined;
  }
  async listApps(): Promise<AppRecord[]> {
    return [];
  }
  async putFunction(fn: FunctionRecord): Promise<void> {
    this.functions.set(fn.id, fn);
  }
  async getFunction(id: string): Promise<FunctionRecord | undefined> {
    return this.functions.get(id);
  }
  async listFunctions(): Promise<FunctionRecord[]> {
    this.reads.list++;
    return [...this.functions.values()];
  }
  async getRegistryVersion(): Promise<number> {
    this.reads.version++;
    const version = this.version;
    this.afterVersionRead?.();
    return version;
  }
  async bumpRegistryVersion(expected: number): Promise<void> {
    if (this.version !== expected) throw new ConflictError(`registry version: not at version ${expected}`);
    this.version++;
  }
}

function fn(id: string): FunctionRecord {
  return { id, appId: "app", name: id, triggers: [{ event: `t/${id}` }], url: "http://app.test", retries: 3, config: {}, flow: readFlowConfig(id, {}), version: 1, active: true };
}

/** What another process does on sync: store the functions, then announce. */
async function registerElsewhere(apps: MemoryApps, id: string): Promise<void> {
  await apps.putFunction(fn(id));
  await announceRegistryChange(apps);
}

describe("FunctionCatalog", () => {
  it("reads the registry version at most once per interval and lists again only when it moved", async () => {
    const apps = new MemoryApps();
    const clock = new VirtualClock(0);
    const catalog = new FunctionCatalog(apps, () => clock.now(), { checkIntervalMs: 1_000 });
    await catalog.index();
    await catalog.index();
    expect(apps.reads).toEqual({ version: 1, list: 1 });

    clock.advance(1_000);
    await catalog.index();
    expect(apps.reads).toEqual({ version: 2, list: 1 }); // unchanged: the cache stays

    await registerElsewhere(apps, "fn-new");
    clock.advance(500);
    expect((await catalog.index()).match({ id: "e", name: "t/fn-new", data: {}, user: {}, ts: 0 })).toEqual([]);
    clock.advance(500);
    expect((await catalog.index()).match({ id: "e", name: "t/fn-new", data: {}, user: {}, ts: 0 }).map((m) => m.fn.id)).toEqual(["fn-new"]);
  });

  it("shares one check among concurrent readers", async () => {
    const apps = new MemoryApps();
    const clock = new VirtualClock(0);
    const catalog = new FunctionCatalog(apps, () => clock.now());
    await catalog.index();
    clock.advance(60_000);
    await Promise.all([catalog.index(), catalog.index(), catalog.get("missing"), catalog.index()]);
    expect(apps.reads.version).toBe(2);
  });

  it("finds a function registered elsewhere by id before the interval ends", async () => {
    const apps = new MemoryApps();
    const catalog = new FunctionCatalog(apps, () => 0);
    await catalog.index();
    await registerElsewhere(apps, "fn-late");
    expect(await catalog.get("fn-late")).toEqual(fn("fn-late"));
  });

  it("announces with one conditional write, and a lost race needs no retry", async () => {
    const apps = new MemoryApps();
    await announceRegistryChange(apps);
    expect(apps.version).toBe(1);
    // Another sync bumps between our read and our write: its bump covers ours.
    apps.afterVersionRead = () => {
      apps.afterVersionRead = undefined;
      apps.version++;
    };
    await expect(announceRegistryChange(apps)).resolves.toBeUndefined();
    expect(apps.version).toBe(2);
  });
});
