import type { FunctionConfig } from "./function-config";
import { toWireCancel, type WireCancel, type WireTrigger } from "./triggers";
import { SDK_IDENTIFIER } from "./version";

/** One function in the registration body sent to `/fn/register`. */
export interface FunctionRegistration {
  id: string;
  name: string;
  triggers: WireTrigger[];
  steps: { step: { id: "step"; name: "step"; runtime: { type: "http"; url: string }; retries: { attempts: number } } };
  cancel?: WireCancel[];
  [flowControl: string]: unknown;
}

/** The registration body. */
export interface AppRegistration {
  url: string;
  v: "0.1";
  deployType: "ping";
  sdk: string;
  framework: string;
  appName: string;
  functions: FunctionRegistration[];
}

const passThrough = ["concurrency", "throttle", "rateLimit", "debounce", "batchEvents", "priority", "idempotency", "singleton", "timeouts"] as const;

/**
 * Builds one function's registration. `retries.attempts` is the number of retries (default 4).
 *
 * @example
 * ```ts
 * buildFunctionRegistration("app-fn", "fn", [{ event: "e" }], { id: "fn" }, "http://x/api/inngest");
 * ```
 */
export function buildFunctionRegistration(fullId: string, name: string, triggers: WireTrigger[], config: FunctionConfig<never>, serveUrl: string): FunctionRegistration {
  const url = new URL(serveUrl);
  url.searchParams.set("fnId", fullId);
  url.searchParams.set("stepId", "step");
  const out: FunctionRegistration = {
    id: fullId,
    name,
    triggers,
    steps: { step: { id: "step", name: "step", runtime: { type: "http", url: url.toString() }, retries: { attempts: config.retries ?? 4 } } },
  };
  for (const key of passThrough) if (config[key] !== undefined) out[key] = config[key];
  if (config.cancelOn?.length) out.cancel = toWireCancel(config.cancelOn);
  return out;
}

/** Builds the whole registration body for an app. */
export function buildAppRegistration(appName: string, serveUrl: string, framework: string, functions: FunctionRegistration[]): AppRegistration {
  return { url: serveUrl, v: "0.1", deployType: "ping", sdk: SDK_IDENTIFIER, framework, appName, functions };
}
