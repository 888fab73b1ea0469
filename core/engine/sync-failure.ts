import { ConflictError } from "../errors";
import type { EngineDeps } from "./deps";

/**
 * Notes on the apps served at `url` that a sync the engine asked for failed, so the dashboard
 * can show the last sync result (a URL no app was registered from has nothing to note it on).
 * One conditional write per app; losing the race to a concurrent sync is fine, as that sync's
 * result is the newer one.
 */
export async function noteSyncFailure(deps: EngineDeps, url: string, error: string): Promise<void> {
  const at = deps.clock.now();
  for (const app of (await deps.apps.listApps()).filter((candidate) => candidate.url === url)) {
    try {
      await deps.apps.putApp({ ...app, lastSyncError: { at, error }, version: app.version + 1 }, app.version);
    } catch (cause) {
      if (!(cause instanceof ConflictError)) throw cause;
    }
  }
}
