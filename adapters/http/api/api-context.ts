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
  /** How `GET /v1/live` long polls behave. */
  live?: LiveOptions;
}

/** How `GET /v1/live` holds a request until something changes. */
export interface LiveOptions {
  /**
   * How often a held request reads the store again. The dev server reads its local database
   * every 200 ms; a deployment's api Lambda reads DynamoDB once a second. @default 1000
   */
  pollMs?: number;
  /** Aborted when the server stops, so held requests answer at once instead of holding shutdown. */
  signal?: AbortSignal;
}
