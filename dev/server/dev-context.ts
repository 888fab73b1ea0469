import type { VirtualClock } from "../../core";
import type { ApiContext } from "../../adapters/http/api/api-context";

/** What the dev server's routes share: the engine API's context and the dev-only clock controls. */
export interface DevContext extends ApiContext {
  /** Present with `--virtual-clock`: time moves only through `/v0/dev/clock`. */
  virtualClock?: VirtualClock;
  /** Resolves once the engine has nothing running or due (virtual-clock tests). */
  idle(): Promise<void>;
}
