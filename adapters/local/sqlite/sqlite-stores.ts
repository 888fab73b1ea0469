import type { EngineStores, PayloadStore } from "../../../core";
import type { SqliteDatabase } from "./database";
import { SqliteAppStore } from "./sqlite-app-store";
import { SqliteBacklogStore } from "./sqlite-backlog-store";
import { SqliteEventStore } from "./sqlite-event-store";
import { SqliteFlowStateStore } from "./sqlite-flow-state-store";
import { SqliteRunStore } from "./sqlite-run-store";
import { SqlitePayloadStore } from "./sqlite-payload-store";
import { SqliteSkipStore } from "./sqlite-skip-store";
import { SqliteWaitStore } from "./sqlite-wait-store";

/** Every store of the engine, named as `EngineDeps` names them. */
export interface SqliteStores extends EngineStores {
  payloads: PayloadStore;
}

/**
 * Builds every store on one database opened with `openDatabase` (its schema must be in place,
 * since each store prepares its statements up front).
 *
 * @example
 * const stores = createSqliteStores(openDatabase(":memory:"));
 */
export function createSqliteStores(db: SqliteDatabase): SqliteStores {
  return {
    events: new SqliteEventStore(db),
    runs: new SqliteRunStore(db),
    apps: new SqliteAppStore(db),
    waits: new SqliteWaitStore(db),
    flow: new SqliteFlowStateStore(db),
    backlog: new SqliteBacklogStore(db),
    skips: new SqliteSkipStore(db),
    payloads: new SqlitePayloadStore(db),
  };
}
