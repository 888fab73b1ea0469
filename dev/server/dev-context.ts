import type { EngineDeps, VirtualClock } from "../../core";
import type { SyncResult } from "../app-sync";

/** What the dev server's routes share. */
export interface DevContext {
  deps: EngineDeps;
  /** When set, `POST /e/:key` accepts only this key (otherwise any key, as in dev mode). */
  eventKey?: string;
  /** When set, `POST /fn/register` requires `Authorization: Bearer <hashed key>`. */
  signingKey?: string;
  /** Asks an app to sync (PUT to its serve URL). */
  syncApp(url: string): Promise<SyncResult>;
  /** Present with `--virtual-clock`: time moves only through `/v0/dev/clock`. */
  virtualClock?: VirtualClock;
  /** Resolves once the engine has nothing running or due (virtual-clock tests). */
  idle(): Promise<void>;
}
