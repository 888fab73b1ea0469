import type { EngineDeps } from "../../../core";
import type { SyncResult } from "../app-sync";

/**
 * What the engine's HTTP API shares, wherever it is served: by `ferry dev` on one port, or by
 * the ingest and api Lambdas behind API Gateway.
 */
export interface ApiContext {
  deps: EngineDeps;
  /** Keys `POST /e/:key` accepts; undefined accepts any key (dev mode). */
  eventKeys?: readonly string[];
  /**
   * Signing keys, the current one first and then a fallback while keys rotate. When set,
   * `POST /fn/register` requires `Authorization: Bearer <hashed key>` of one of them.
   */
  signingKeys?: readonly string[];
  /**
   * Whether the REST API (`/v1/...`) requires the same bearer. A deployment's API is reachable
   * from the internet, so it does; `ferry dev` listens on loopback and stays open, as Inngest's does.
   */
  authorizeRestApi?: boolean;
  /** Asks an app to sync (PUT to its serve URL). */
  syncApp(url: string): Promise<SyncResult>;
}
