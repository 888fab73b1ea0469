/** Flow-control configuration of a function as it arrives in a registration (Inngest wire shape). */

/** One concurrency limit. `scope` defaults to `fn`. */
export interface ConcurrencyLimit {
  limit: number;
  key?: string;
  scope?: "fn" | "env" | "account";
}

/** Options beyond triggers and retries; kept for flow control and shown by the API. */
export interface FunctionConfig {
  concurrency?: ConcurrencyLimit[];
  throttle?: { limit: number; period: string; burst?: number; key?: string };
  rateLimit?: { limit: number; period: string; key?: string };
  debounce?: { period: string; key?: string; timeout?: string };
  batchEvents?: { maxSize: number; timeout: string; key?: string; if?: string };
  priority?: { run?: string };
  idempotency?: string;
  singleton?: { key?: string; mode: "skip" | "cancel" };
  cancel?: { event: string; if?: string; timeout?: string }[];
  timeouts?: { start?: string; finish?: string };
}
