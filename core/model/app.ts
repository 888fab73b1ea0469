import type { FlowConfig } from "../flow/flow-config";
import type { FunctionConfig } from "./function-config";

/** An app: one serve endpoint and the functions it registered. */
export interface AppRecord {
  /** The SDK's app id (`appName` in the registration). */
  id: string;
  /** The serve endpoint the engine calls. */
  url: string;
  sdk: string;
  framework?: string;
  /** Ids of the functions registered by the latest sync. */
  functionIds: string[];
  syncedAt: number;
  /**
   * The last sync the engine asked for that failed after `syncedAt` (the app did not answer or
   * refused); a successful sync writes a fresh record without it.
   */
  lastSyncError?: { at: number; error: string };
  version: number;
}

/** A trigger: an event name (exact or `prefix/*`) with an optional CEL filter, or a cron schedule. */
export type Trigger = { event: string; expression?: string } | { cron: string };

/** A registered function, as the engine keeps it. */
export interface FunctionRecord {
  /** `<appId>-<fnId>`, the id on the wire (`fnId` query parameter, `function_id` in events). */
  id: string;
  appId: string;
  name: string;
  triggers: Trigger[];
  /** The step endpoint URL from the registration (`steps.step.runtime.url`). */
  url: string;
  /** Number of RETRIES per step after the first attempt. */
  retries: number;
  /** Flow-control options as registered (wire shape), shown by the API. */
  config: FunctionConfig;
  /** The same options validated and normalized; what the engine decides with. */
  flow: FlowConfig;
  /** Bumped on every re-registration that changes the function. */
  version: number;
  /** False once a later sync of its app no longer lists it. */
  active: boolean;
}
